import type { PlaygroundUser } from './playground';

/**
 * The demo tenant's people, shared by the Playground's mock tenant and the approver configuration:
 * Alex asks, Dana approves quarantine releases.
 */
export const DEMO_PEOPLE = {
  alex: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: 'a1e0a1e0-0000-4000-8000-000000000001', email: 'alexw@contoso.com' },
  dana: { id: 'user-id-1', name: 'Dana Kim', aadObjectId: 'da7ada7a-0000-4000-8000-000000000002', email: 'danak@contoso.com' },
  megan: { id: 'user-id-2', name: 'Megan Bowen', aadObjectId: 'e9a0e9a0-0000-4000-8000-000000000003', email: 'meganb@contoso.com' },
  adele: { id: 'user-id-3', name: 'Adele Vance', aadObjectId: 'ade1ade1-0000-4000-8000-000000000004', email: 'adelev@contoso.com' },
  isaiah: { id: 'user-id-4', name: 'Isaiah Langer', aadObjectId: '15a115a1-0000-4000-8000-000000000005', email: 'isaiahl@contoso.com' },
  patti: { id: 'user-id-5', name: 'Patti Fernandez', aadObjectId: '9a771e00-0000-4000-8000-000000000006', email: 'pattif@contoso.com' },
} as const satisfies Record<string, PlaygroundUser>;

export const DEMO_OTHER_USERS: readonly PlaygroundUser[] = Object.values(DEMO_PEOPLE).filter((user) => user.id !== DEMO_PEOPLE.alex.id);

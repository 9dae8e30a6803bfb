import {
  approvalCard, headerPreview, quarantineListCard, reasonIn, resultOf, utcTime,
} from '../../src/assistant/handlers/quarantine';
import { cardBytes, MAX_CARD_BYTES } from '../../src/cards/render';
import type { ReleaseRequest, ReleaseRequestState } from '../../src/quarantine';
import { cardText } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { BOB, DANA, pendingRequest, quarantined, TENANT } from './support/fixtures';
import { executeActions } from './support/invoke';

const approval = { by: DANA, at: '2026-11-20T14:05:00.000Z', options: { allowSender: false, reportFalsePositive: true } };
const STATES: Record<string, ReleaseRequestState> = {
  pending: { status: 'pending' },
  releasing: { status: 'releasing', approval },
  released: { status: 'released', approval, releasedAt: '2026-11-20T14:05:02.000Z' },
  failed: { status: 'failed', approval, failedAt: '2026-11-20T14:05:02.000Z', error: 'Release-QuarantineMessage failed: the operation timed out' },
  rejected: { status: 'rejected', rejection: { by: DANA, at: '2026-11-20T14:06:00.000Z' }, reason: 'lookalike domain' },
  expired: { status: 'expired', expiredAt: '2026-11-21T14:00:00.000Z' },
};

describe('the approval card in every state', () => {
  for (const [name, state] of Object.entries(STATES)) {
    it(`${name}: valid for Teams in the shared view and in each personal view`, () => {
      const request: ReleaseRequest = pendingRequest({ state });
      const shared = approvalCard(request, { kind: 'shared' });
      expect(cardProblems(shared)).toEqual([]);
      expect(shared.refresh).toMatchObject({ action: { verb: 'quarantine.refresh', data: { requestId: 'req-1' } }, userIds: ['29:dana'] });
      for (const viewer of ['approver', 'requester', 'other'] as const) {
        const personal = approvalCard(request, { kind: 'personal', viewer });
        expect(cardProblems(personal)).toEqual([]);
        expect(personal.refresh).toBeUndefined();
        const verbs = executeActions(personal).map((action) => action.verb);
        const decidable = name === 'pending' || name === 'failed';
        expect(verbs.includes('quarantine.approve')).toBe(viewer === 'approver' && decidable);
      }
    });
  }

  it('says who released, when (UTC) and why it was asked', () => {
    const text = cardText(approvalCard(pendingRequest({ state: STATES.released }), { kind: 'shared' }));
    expect(text).toContain("Released by Dana Approver at 14:05 UTC, requested by Bob Helpdesk: 'invoice from our supplier' (reported as false positive)");
  });

  it('offers a failed release again, saying why it failed', () => {
    const card = approvalCard(pendingRequest({ state: STATES.failed }), { kind: 'personal', viewer: 'approver' });
    expect(cardText(card)).toContain('Release failed at 14:05 UTC');
    expect(cardText(card)).toContain('the operation timed out');
    expect(executeActions(card).find((action) => action.verb === 'quarantine.approve')?.title).toBe('Try the release again');
  });

  it('keeps what people typed as text: no links, mentions or template expressions', () => {
    const hostile = pendingRequest({
      reason: '[click me](https://evil.example) <at>Everyone</at> ${requestId}',
      requestedBy: { ...BOB, name: '<at>Boss</at>' },
    });
    const card = approvalCard(hostile, { kind: 'shared' });
    expect(cardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toContain('](https://evil.example)');
    expect(json).not.toContain('<at>');
    expect(json).not.toContain('${requestId}');
  });

  it('answers refusals with the card only for a request the person may see, else with a message', () => {
    const request = pendingRequest();
    const onCard = resultOf({ kind: 'refused', code: 'not-approver', message: 'Only quarantine approvers can approve.', request });
    expect(onCard.kind === 'card' && cardText(onCard.card)).toContain('Only quarantine approvers can approve.');
    expect(resultOf({ kind: 'refused', code: 'not-found', message: 'I could not find that release request.', request: null })).toEqual({
      kind: 'message', text: 'I could not find that release request.',
    });
  });
});

describe('the quarantine list card', () => {
  it('stays under 28 KB with a full page of messages and long headers', () => {
    const header = 'Received: from x (203.0.113.1)\r\n'.repeat(200) + 'X-Forefront-Antispam-Report: SFV:SPM;SCL:9;CAT:PHSH;\r\n';
    const listed = Array.from({ length: 8 }, (_, index) => ({
      message: quarantined({ identity: `id-${index}\\r`, subject: 'S'.repeat(400), recipients: Array.from({ length: 40 }, (_, n) => `user${n}@contoso.com`) }),
      header,
    }));
    const card = quarantineListCard('Quarantined mail', 'eight messages', listed, TENANT, 'More messages match.');
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    // One reason box per message, each with its own id, named by the button that sends it.
    const requests = executeActions(card).filter((action) => action.verb === 'quarantine.request');
    expect(new Set(requests.map((action) => action.data.reasonField)).size).toBe(8);
  });

  it('previews the header lines that explain the verdict, not the Received chain', () => {
    const preview = headerPreview('Received: from a\r\nReceived: from b\r\nAuthentication-Results: spf=fail\r\nX-Forefront-Antispam-Report: SFV:SPM;SCL:6\r\n');
    expect(preview).not.toContain('Received');
    expect(preview).toContain('spf=fail');
    expect(preview).toContain('SFV:SPM');
  });
});

describe('reading a typed release request', () => {
  it.each([
    ['release 9f3c…\\7d1e… because invoice from our supplier', 'invoice from our supplier'],
    ['release the mail from billing@litware.com, reason: "expected PO"', 'expected PO'],
    ['please release it since Jane is waiting for it', 'Jane is waiting for it'],
    ['release the mail from billing@litware.com', null],
  ])('%s', (text, reason) => {
    expect(reasonIn(text)).toBe(reason);
  });

  it('shows times in UTC', () => {
    expect(utcTime('2026-11-20T09:05:00-05:00')).toBe('2026-11-20 14:05 UTC');
    expect(utcTime('not a date')).toBe('not a date');
  });
});

import { renderCard } from '../cards/render';
import { escapeCardText } from '../cards/escape';
import { cardReply, type Reply } from '../model/reply';
import type { Services } from './services';

/**
 * The tenants this deployment serves: ALLOWED_TENANT_IDS plus every tenant it holds credentials for. The bot is
 * registered once but can be added to any organisation's Teams; without this gate a stranger's tenant could use
 * it to run DNS and SMTP probes on our behalf, or reach Graph with our credentials through a forged card action.
 */
export function servedTenantIds(services: Services): ReadonlySet<string> {
  // Optional chaining: partial services (unit tests, tools) have no configuration and no tenants, so no gate.
  const ids = [...(services.config?.ALLOWED_TENANT_IDS ?? []), ...(services.tenants?.tenantIds() ?? [])];
  return new Set(ids.map((id) => id.trim().toLowerCase()).filter((id) => id.length > 0));
}

export type TenantDecision =
  | { readonly kind: 'served' }
  | { readonly kind: 'refused'; readonly tenantId: string | null };

/**
 * An empty allow list (no ALLOWED_TENANT_IDS, no tenant credentials) is a local or paste-only set-up: every
 * conversation is served, and nothing tenant-specific can be reached anyway. Otherwise only listed tenants are.
 * `claimedTenantIds` are tenant ids a card's data names: they come from the client and must be served as well.
 */
export function admitTenant(services: Services, tenantId: string | null, claimedTenantIds: readonly unknown[] = []): TenantDecision {
  const served = servedTenantIds(services);
  if (served.size === 0) return { kind: 'served' };
  const ok = (id: unknown): boolean => typeof id === 'string' && served.has(id.trim().toLowerCase());
  if (!ok(tenantId)) return { kind: 'refused', tenantId };
  const foreign = claimedTenantIds.find((id) => id !== undefined && id !== null && id !== '' && !ok(id));
  return foreign === undefined ? { kind: 'served' } : { kind: 'refused', tenantId: typeof foreign === 'string' ? foreign : String(tenantId) };
}

const REFUSAL_TITLE = 'This organisation is not served by this Mailflow Doctor';
const REFUSAL_MESSAGE = 'Your tenant is not configured for Mailflow Doctor, so I cannot answer here. Nothing was looked up.';
const REFUSAL_ADVICE = 'Ask the administrator who deployed the bot to add your tenant id to ALLOWED_TENANT_IDS or to configure credentials for it.';

/** The card a refused conversation gets. The tenant id comes from the activity, so it is escaped like user text. */
export function refusalReply(tenantId: string | null): Reply {
  const shown = escapeCardText(tenantId ?? 'unknown', 80);
  const card = renderCard('refusal', { title: REFUSAL_TITLE, message: REFUSAL_MESSAGE, advice: REFUSAL_ADVICE, tenantId: shown });
  return cardReply(card, `${REFUSAL_TITLE}. ${REFUSAL_MESSAGE} ${REFUSAL_ADVICE}`, { refused: true, tenantId });
}

import { randomBytes } from 'node:crypto';
import type { AdaptiveCardJson } from '../cards/render';
import type { TraceMessage } from '../model/trace';
import { traceCsv } from './csv';
import { checkToken, mintToken } from './links';

/** One message trace export: the rows a diagnosis read, as CSV, filed under the tenant whose trace it is. */
export interface TraceExport {
  readonly id: string;
  /** Lower case: the export's folder. Only a request from this tenant (or a link minted for it) reaches it. */
  readonly tenantId: string;
  readonly caseId: string | null;
  readonly createdAt: string;
  readonly fileName: string;
  readonly csv: string;
  readonly rowCount: number;
  /** The answer card the export button sat on, so that the link can be shown on that same card. */
  readonly card: AdaptiveCardJson | null;
}

export type Redeemed =
  | { readonly kind: 'ok'; readonly export: TraceExport }
  | { readonly kind: 'refused'; readonly status: 403 | 404 | 410; readonly reason: string };

export interface TraceExportOptions {
  readonly signingKey: string;
  readonly linkTtlMinutes: number;
  /** Where /exports/<token> is reachable (PUBLIC_BASE_URL). */
  readonly publicBaseUrl: string;
  /** How long the rows are kept for a later click on "Export trace (CSV)" (default 24 h). */
  readonly keepHours?: number;
  /** Oldest exports are dropped beyond this many, so memory stays bounded (default 500). */
  readonly maxExports?: number;
}

const folderOf = (tenantId: string) => tenantId.trim().toLowerCase();
const stamp = (date: Date) => date.toISOString().slice(0, 16).replace(/[-:T]/g, '');

/**
 * Trace exports and their download links. Kept in memory: a link works on the instance that minted it and dies
 * with a restart, which a 15-minute single-use link can live with (and personal data is not left in storage).
 *
 * Tenant binding: exports are filed under their tenant's folder; the action that mints a link looks only in the
 * clicking conversation's tenant folder, and the download looks only in the folder the signed link names. A link
 * minted for tenant A cannot name tenant B (the signature would break), and B's export ids are not in A's folder.
 */
export class TraceExports {
  private readonly exports = new Map<string, TraceExport>();
  /** Links already used, until they would have expired anyway: a second fetch gets 410. */
  private readonly used = new Map<string, number>();

  constructor(private readonly options: TraceExportOptions) {}

  get linkTtlMinutes(): number {
    return this.options.linkTtlMinutes;
  }

  save(input: { tenantId: string; caseId: string | null; rows: readonly TraceMessage[]; at: Date }): TraceExport {
    this.forgetOld(input.at);
    const id = randomBytes(12).toString('base64url');
    const saved: TraceExport = {
      id,
      tenantId: folderOf(input.tenantId),
      caseId: input.caseId,
      createdAt: input.at.toISOString(),
      fileName: `message-trace-${input.caseId ?? 'export'}-${stamp(input.at)}.csv`,
      csv: traceCsv(input.rows),
      rowCount: input.rows.length,
      card: null,
    };
    this.exports.set(`${saved.tenantId}/${id}`, saved);
    return saved;
  }

  attachCard(saved: TraceExport, card: AdaptiveCardJson): void {
    const key = `${saved.tenantId}/${saved.id}`;
    const current = this.exports.get(key);
    if (current) this.exports.set(key, { ...current, card });
  }

  /** The export with this id in this tenant's folder; another tenant's export is simply not there. */
  find(tenantId: string | null, exportId: unknown): TraceExport | null {
    if (!tenantId || typeof exportId !== 'string') return null;
    return this.exports.get(`${folderOf(tenantId)}/${exportId}`) ?? null;
  }

  link(saved: TraceExport, now: Date): { url: string; expiresAt: string } {
    const expiresAt = Math.floor(now.getTime() / 1000) + Math.round(this.options.linkTtlMinutes * 60);
    const { token } = mintToken(this.options.signingKey, { tenantId: saved.tenantId, exportId: saved.id, expiresAt });
    return { url: `${this.options.publicBaseUrl.replace(/\/$/, '')}/exports/${token}`, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }

  /**
   * A download: signature, expiry, tenant (still served, and the export in its folder), then single use. The link
   * is spent only when everything else holds, so a refused attempt does not burn a good link.
   */
  redeem(token: string, now: Date, isServed: (tenantId: string) => boolean): Redeemed {
    this.forgetUsed(now);
    const checked = checkToken(this.options.signingKey, token, now);
    if (checked.kind === 'bad-signature') return { kind: 'refused', status: 403, reason: 'This link is not valid.' };
    if (checked.kind === 'expired') return { kind: 'refused', status: 403, reason: 'This link has expired. Click "Export trace (CSV)" again for a new one.' };
    const { claims } = checked;
    if (!isServed(claims.tenantId)) return { kind: 'refused', status: 403, reason: 'This link belongs to an organisation this bot no longer serves.' };
    if (this.used.has(claims.nonce)) return { kind: 'refused', status: 410, reason: 'This link has been used already. Click "Export trace (CSV)" again for a new one.' };
    const saved = this.find(claims.tenantId, claims.exportId);
    if (!saved) return { kind: 'refused', status: 404, reason: 'This export is no longer available.' };
    this.used.set(claims.nonce, claims.expiresAt * 1000);
    return { kind: 'ok', export: saved };
  }

  private forgetUsed(now: Date): void {
    for (const [nonce, until] of this.used) if (until <= now.getTime()) this.used.delete(nonce);
  }

  private forgetOld(now: Date): void {
    const oldest = now.getTime() - (this.options.keepHours ?? 24) * 3_600_000;
    for (const [key, saved] of this.exports) if (Date.parse(saved.createdAt) < oldest) this.exports.delete(key);
    const max = this.options.maxExports ?? 500;
    // Map keeps insertion order: the first keys are the oldest exports.
    for (const key of this.exports.keys()) {
      if (this.exports.size < max) break;
      this.exports.delete(key);
    }
  }
}

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
  /**
   * The answer card the export button sat on, so that the link can be shown on that same card; as JSON, which is a
   * third of the memory of the card's objects, and is only read back when someone clicks.
   */
  readonly cardJson: string | null;
}

/** The answer card an export was made from, if one was attached. */
export function cardOfExport(saved: TraceExport): AdaptiveCardJson | null {
  return saved.cardJson === null ? null : (JSON.parse(saved.cardJson) as AdaptiveCardJson);
}

export type Redeemed =
  | { readonly kind: 'ok'; readonly export: TraceExport }
  | { readonly kind: 'refused'; readonly status: 403 | 404 | 410; readonly reason: string };

/**
 * Where exports wait for a click: Azure Blob storage when storage is configured (every instance sees every export,
 * and a link works once across all of them), memory otherwise.
 */
export interface ExportStore {
  put(saved: TraceExport): Promise<void>;
  /** The export with this id in this tenant's folder (`tenantId` is already the folder name). */
  get(tenantId: string, id: string): Promise<TraceExport | null>;
  /** Spends a link's nonce: true the first time, false ever after (until `until`, when the link has expired anyway). */
  spend(nonce: string, until: Date, now: Date): Promise<boolean>;
}

export interface TraceExportOptions {
  readonly signingKey: string;
  readonly linkTtlMinutes: number;
  /** Where /exports/<token> is reachable (PUBLIC_BASE_URL). */
  readonly publicBaseUrl: string;
  /** How long the rows are kept for a later click on "Export trace (CSV)" (default 24 h). */
  readonly keepHours?: number;
  readonly store?: ExportStore;
}

export const DEFAULT_KEEP_HOURS = 24;

const folderOf = (tenantId: string) => tenantId.trim().toLowerCase();
const stamp = (date: Date) => date.toISOString().slice(0, 16).replace(/[-:T]/g, '');

/** Export ids name blobs and appear in links: letters, digits, `-` and `_` only. */
export const EXPORT_ID = /^[A-Za-z0-9_-]{16}$/;

/**
 * Trace exports and their download links.
 *
 * Tenant binding: exports are filed under their tenant's folder; the action that mints a link looks only in the
 * clicking conversation's tenant folder, and the download looks only in the folder the signed link names. A link
 * minted for tenant A cannot name tenant B (the signature would break), and B's export ids are not in A's folder.
 */
export class TraceExports {
  private readonly store: ExportStore;

  constructor(private readonly options: TraceExportOptions) {
    this.store = options.store ?? new MemoryExportStore();
  }

  get linkTtlMinutes(): number {
    return this.options.linkTtlMinutes;
  }

  /** The id to put on the export button before the export is saved with the card that carries it. */
  newId(): string {
    return randomBytes(12).toString('base64url');
  }

  async save(input: { id: string; tenantId: string; caseId: string | null; rows: readonly TraceMessage[]; card: AdaptiveCardJson | null; at: Date }): Promise<TraceExport> {
    const saved: TraceExport = {
      id: input.id,
      tenantId: folderOf(input.tenantId),
      caseId: input.caseId,
      createdAt: input.at.toISOString(),
      fileName: `message-trace-${input.caseId ?? 'export'}-${stamp(input.at)}.csv`,
      csv: traceCsv(input.rows),
      rowCount: input.rows.length,
      cardJson: input.card ? JSON.stringify(input.card) : null,
    };
    await this.store.put(saved);
    return saved;
  }

  /** The export with this id in this tenant's folder, while it is kept; another tenant's export is simply not there. */
  async find(tenantId: string | null, exportId: unknown, now: Date): Promise<TraceExport | null> {
    if (!tenantId || typeof exportId !== 'string' || !EXPORT_ID.test(exportId)) return null;
    const saved = await this.store.get(folderOf(tenantId), exportId);
    const keptUntil = saved ? Date.parse(saved.createdAt) + (this.options.keepHours ?? DEFAULT_KEEP_HOURS) * 3_600_000 : 0;
    return saved && now.getTime() < keptUntil ? saved : null;
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
  async redeem(token: string, now: Date, isServed: (tenantId: string) => boolean): Promise<Redeemed> {
    const checked = checkToken(this.options.signingKey, token, now);
    if (checked.kind === 'bad-signature') return { kind: 'refused', status: 403, reason: 'This link is not valid.' };
    if (checked.kind === 'expired') return { kind: 'refused', status: 403, reason: 'This link has expired. Click "Export trace (CSV)" again for a new one.' };
    const { claims } = checked;
    if (!isServed(claims.tenantId)) return { kind: 'refused', status: 403, reason: 'This link belongs to an organisation this bot no longer serves.' };
    const saved = await this.find(claims.tenantId, claims.exportId, now);
    if (!saved) return { kind: 'refused', status: 404, reason: 'This export is no longer available.' };
    if (!(await this.store.spend(claims.nonce, new Date(claims.expiresAt * 1000), now))) {
      return { kind: 'refused', status: 410, reason: 'This link has been used already. Click "Export trace (CSV)" again for a new one.' };
    }
    return { kind: 'ok', export: saved };
  }
}

export interface MemoryExportLimits {
  /** Oldest exports are dropped beyond this many, so memory stays bounded (default 500). */
  readonly maxExports?: number;
  /**
   * And beyond this many characters of CSV and card JSON together (default 16 M, about 16 MB): a count alone bounds
   * nothing when one trace can have a thousand rows.
   */
  readonly maxChars?: number;
  readonly keepHours?: number;
}

/**
 * Exports in this process's memory (no storage configured): a link works on the instance that minted it and dies
 * with a restart, which a 15-minute single-use link can live with. Bounded by count, by size and by age.
 */
export class MemoryExportStore implements ExportStore {
  private readonly exports = new Map<string, TraceExport>();
  /** What each kept export weighs (CSV and card JSON, in characters), and the total: see `maxChars`. */
  private readonly weights = new Map<string, number>();
  private keptChars = 0;
  /** Links already used, until they would have expired anyway: a second fetch gets 410. */
  private readonly used = new Map<string, number>();

  constructor(private readonly limits: MemoryExportLimits = {}) {}

  async put(saved: TraceExport): Promise<void> {
    this.forgetOld(new Date(saved.createdAt));
    const key = `${saved.tenantId}/${saved.id}`;
    this.forget(key);
    const chars = saved.csv.length + (saved.cardJson?.length ?? 0);
    this.exports.set(key, saved);
    this.weights.set(key, chars);
    this.keptChars += chars;
    this.forgetOverBudget();
  }

  async get(tenantId: string, id: string): Promise<TraceExport | null> {
    return this.exports.get(`${tenantId}/${id}`) ?? null;
  }

  async spend(nonce: string, until: Date, now: Date): Promise<boolean> {
    for (const [spent, expires] of this.used) if (expires <= now.getTime()) this.used.delete(spent);
    if (this.used.has(nonce)) return false;
    this.used.set(nonce, until.getTime());
    return true;
  }

  /** How many exports are kept, and their weight in characters (the bench reports it after a soak). */
  size(): { readonly exports: number; readonly chars: number } {
    return { exports: this.exports.size, chars: this.keptChars };
  }

  private forget(key: string): void {
    this.keptChars -= this.weights.get(key) ?? 0;
    this.weights.delete(key);
    this.exports.delete(key);
  }

  private forgetOld(now: Date): void {
    const oldest = now.getTime() - (this.limits.keepHours ?? DEFAULT_KEEP_HOURS) * 3_600_000;
    for (const [key, saved] of this.exports) if (Date.parse(saved.createdAt) < oldest) this.forget(key);
    const max = this.limits.maxExports ?? 500;
    // Map keeps insertion order: the first keys are the oldest exports.
    for (const key of this.exports.keys()) {
      if (this.exports.size < max) break;
      this.forget(key);
    }
  }

  private forgetOverBudget(): void {
    const maxChars = this.limits.maxChars ?? 16 * 2 ** 20;
    // The newest export always stays.
    for (const key of this.exports.keys()) {
      if (this.keptChars <= maxChars || this.exports.size <= 1) break;
      this.forget(key);
    }
  }
}

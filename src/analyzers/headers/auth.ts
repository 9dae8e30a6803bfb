import antispamTable from '../../knowledge/antispam-fields.json';
import { addressDomain } from './addresses';
import { dkimAlignment, spfAlignment, type Alignment } from './alignment';
import { dkimDomainOf, parseAuthResults, splitTopLevel, type AuthResult, type AuthResultsField } from './auth-results';
import type { HeaderModel } from './model';

export type { Alignment } from './alignment';

export interface CompositeAuth {
  readonly result: string;
  readonly reason: string | null;
  readonly meaning: string | null;
}

export interface AuthSummary {
  readonly spf: string | null;
  readonly dkim: string | null;
  readonly dmarc: string | null;
  /** Microsoft's action= on the dmarc result (none, oreject, pct.quarantine …). */
  readonly dmarcAction: string | null;
  readonly compauth: CompositeAuth | null;
  readonly arc: string | null;
  readonly spfClientIp: string | null;
  readonly mailFromDomain: string | null;
  readonly headerFromDomain: string | null;
  readonly dkimDomains: string[];
  readonly alignment: { readonly spf: Alignment; readonly dkim: Alignment };
}

/** compauth reason codes from the table: exact codes ("001") and families ("1xx/7xx"). */
const COMPAUTH_REASONS: ReadonlyMap<string, string> = new Map(
  Object.entries(antispamTable.fields.find((field) => field.field === 'compauth')?.values ?? {}).flatMap(([codes, meaning]) =>
    codes.split('/').map((code): [string, string] => [code.trim().toLowerCase(), meaning as string]),
  ),
);

export function compauthMeaning(reason: string | null): string | null {
  if (!reason || !/^\d{3}$/.test(reason)) return null;
  return COMPAUTH_REASONS.get(reason) ?? COMPAUTH_REASONS.get(`${reason[0]}xx`) ?? null;
}

/**
 * The receiving side's verdicts, newest first: the top Authentication-Results is the final receiver's (the one the
 * mailbox's rules acted on); -Original is what EOP said before a hybrid or forwarding hop; ARC keeps earlier hops'.
 */
function verdictSources(model: HeaderModel): AuthResultsField[] {
  const arc = model.all('ARC-Authentication-Results').map(parseAuthResults).sort((a, b) => (b.instance ?? 0) - (a.instance ?? 0));
  return [
    ...model.all('Authentication-Results').map(parseAuthResults),
    ...model.all('Authentication-Results-Original').map(parseAuthResults),
    ...arc,
  ];
}

function firstOf(sources: readonly AuthResultsField[], method: string): { field: AuthResultsField; results: AuthResult[] } | null {
  for (const field of sources) {
    const results = field.results.filter((result) => result.method === method);
    if (results.length > 0) return { field, results };
  }
  return null;
}

function tagValue(signature: string, tag: string): string | null {
  for (const part of splitTopLevel(signature, ';')) {
    const match = /^\s*([a-z]+)\s?=\s?(.*)$/i.exec(part);
    if (match && match[1].toLowerCase() === tag) return match[2].replace(/\s+/g, '');
  }
  return null;
}

/** One DKIM verdict as the receiver gave it: which domain signed and whether that signature verified. */
export interface DkimVerdict {
  readonly domain: string | null;
  readonly result: string;
}

export interface AuthReading {
  readonly auth: AuthSummary;
  /** Per signature, beyond the JSON contract: a list passes for one domain and fails for another. */
  readonly dkimSignatures: DkimVerdict[];
}

export function summarizeAuth(model: HeaderModel): AuthReading {
  const sources = verdictSources(model);
  const spf = firstOf(sources, 'spf')?.results[0] ?? null;
  const dkimResults = firstOf(sources, 'dkim')?.results ?? [];
  const dmarc = firstOf(sources, 'dmarc')?.results[0] ?? null;
  const compauth = firstOf(sources, 'compauth')?.results[0] ?? null;
  const arcResult = firstOf(sources, 'arc')?.results[0] ?? null;

  const receivedSpf = model.first('Received-SPF');
  const receivedSpfResult = receivedSpf ? /^\s*([A-Za-z]+)/.exec(receivedSpf)?.[1].toLowerCase() ?? null : null;
  const receivedSpfIp = receivedSpf ? /client-ip=([0-9A-Fa-f:.]+)/.exec(receivedSpf)?.[1] ?? null : null;
  const receivedSpfFrom = receivedSpf ? /envelope-from=("?)([^";\s]+)\1/.exec(receivedSpf)?.[2] ?? null : null;

  const spfComment = spf?.comments.join(' ') ?? '';
  const spfClientIp =
    /sender IP is ([0-9A-Fa-f:.]+)/i.exec(spfComment)?.[1] ??
    /designates ([0-9A-Fa-f:.]+) as permitted/i.exec(spfComment)?.[1] ??
    spf?.props['client-ip'] ?? receivedSpfIp;

  const mailFromDomain =
    addressDomain(spf?.props['smtp.mailfrom']) ?? addressDomain(receivedSpfFrom) ?? addressDomain(model.first('Return-Path'));
  const headerFromDomain = addressDomain(dmarc?.props['header.from']) ?? addressDomain(model.first('From'));

  const signatureDomains = model.all('DKIM-Signature').map((signature) => addressDomain(tagValue(signature, 'd')));
  const dkimDomains = unique([...dkimResults.map(dkimDomainOf), ...signatureDomains]);
  const passing = dkimResults.find((result) => result.result === 'pass');
  const dkim = passing?.result ?? dkimResults[0]?.result ?? null;

  const auth: AuthSummary = {
    spf: spf?.result ?? receivedSpfResult,
    dkim,
    dmarc: dmarc?.result ?? null,
    dmarcAction: dmarc?.props['action']?.toLowerCase() ?? null,
    compauth: compauth
      ? { result: compauth.result, reason: compauth.props['reason'] ?? null, meaning: compauthMeaning(compauth.props['reason'] ?? null) }
      : null,
    arc: arcResult?.result ?? arcSealVerdict(model),
    spfClientIp,
    mailFromDomain,
    headerFromDomain,
    dkimDomains,
    alignment: {
      spf: spfAlignment(spf?.result ?? receivedSpfResult, mailFromDomain, headerFromDomain),
      dkim: dkimAlignment(dkimResults, signatureDomains, headerFromDomain),
    },
  };
  return { auth, dkimSignatures: dkimResults.map((result) => ({ domain: dkimDomainOf(result), result: result.result })) };
}

/** The newest ARC-Seal's cv= (RFC 8617 §4.1.3): none for the first set, pass or fail for a chain. */
function arcSealVerdict(model: HeaderModel): string | null {
  let best: { instance: number; cv: string } | null = null;
  for (const seal of model.all('ARC-Seal')) {
    const instance = Number(tagValue(seal, 'i'));
    const cv = tagValue(seal, 'cv')?.toLowerCase();
    if (cv && Number.isFinite(instance) && (!best || instance > best.instance)) best = { instance, cv };
  }
  return best?.cv ?? null;
}

function unique(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))];
}

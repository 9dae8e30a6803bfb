/**
 * The `data` field of a trace detail is XML of `<MEP Name="…" String="…"/>` elements ("Message Event Properties").
 * A regex reads them: the format is flat and generated, and a full XML parser would only add cost.
 */
const MEP = /<MEP\s+Name="([^"]{1,100})"\s+(?:String|Integer|Long|Blob|Boolean)="([^"]{0,4000})"\s*\/>/g;

export function readMep(data: string): ReadonlyMap<string, string> {
  const properties = new Map<string, string>();
  for (const match of data.slice(0, 200_000).matchAll(MEP)) properties.set(match[1], decodeXml(match[2]));
  return properties;
}

function decodeXml(value: string): string {
  return value.replace(/&(lt|gt|quot|apos|amp);/g, (_all, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name] ?? '');
}

/** Exchange writes the last SMTP error as `{LED=550 5.1.10 …};{MSG=};{FQDN=host};{IP=1.2.3.4};{LRT=…}`. */
export function readLastError(description: string): { led: string | null; fqdn: string | null; ip: string | null } {
  const field = (name: string) => {
    const match = new RegExp(`\\{${name}=([^}]{0,2000})\\}`).exec(description);
    const value = match?.[1].trim();
    return value ? value : null;
  };
  return { led: field('LED'), fqdn: field('FQDN'), ip: field('IP') };
}

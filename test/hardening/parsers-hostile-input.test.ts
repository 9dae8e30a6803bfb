import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';

/**
 * Whatever people paste (or an attacker sends), the NDR, header, intent, SPF and DMARC parsers return an answer:
 * no exception, no hang, on any input up to 1 MB. Each input runs in a worker thread under a hang guard, so a parser
 * that never returns fails the test instead of freezing the bot's event loop (and the test run) forever.
 */
const ONE_MB = 1024 * 1024;
/** A hang guard, not a speed target: a healthy parse of 1 MB takes a fraction of this even on a loaded CI box. */
const HANG_GUARD_MS = 5000;

type ParserName = 'ndr' | 'headers' | 'intent' | 'spf' | 'dmarc';
interface Outcome {
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

class ParserSandbox {
  private worker!: Worker;
  private sequence = 0;
  private ready!: Promise<void>;

  constructor() {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(join(__dirname, 'parse-worker.js'));
    this.worker.unref();
    this.ready = new Promise((resolve) => {
      const onReady = (message: { ready?: boolean }) => {
        if (message.ready) {
          this.worker.off('message', onReady);
          resolve();
        }
      };
      this.worker.on('message', onReady);
    });
  }

  /** Parses `text`; a parser still busy after the guard is a hang: the worker is replaced and the run fails. */
  async parse(parser: ParserName, text: string): Promise<Outcome> {
    await this.ready;
    const id = ++this.sequence;
    const worker = this.worker;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.off('message', onMessage);
        void worker.terminate();
        this.spawn();
        resolve({ ok: false, ms: HANG_GUARD_MS, error: `${parser} did not return within ${HANG_GUARD_MS} ms on ${text.length} characters starting ${JSON.stringify(text.slice(0, 80))}` });
      }, HANG_GUARD_MS);
      const onMessage = (message: Outcome & { id?: number }) => {
        if (message.id !== id) return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        resolve(message);
      };
      worker.on('message', onMessage);
      worker.postMessage({ id, parser, text });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Pieces of each format, so random text reaches deep into every parser, plus markup and injection attempts. */
const COMMON = ['\n', '\r\n', ' ', '\t', ';', ':', '=', '<', '>', '(', ')', '[', ']', '"', "'", '\\', '${x}', '](https://evil.example)', '<at>Bob</at>', '\u0000', '\u200b', '\ud800', '😀', '&nbsp;', '<p>', '</p>'];
const PIECES: Record<ParserName, string[]> = {
  ndr: ['550 ', '5.1.10 ', '5.7.26', '554-5.7.1 ', '#', 'RESOLVER.ADR.RecipientNotFound', 'Remote Server returned ', 'Diagnostic-Code: smtp; ', 'Status: ', 'Final-Recipient: rfc822; ', 'Action: failed', 'Reporting-MTA: dns; ', 'bob@contoso.com', '@', 'Original Message Details', '--boundary', 'Content-Type: message/delivery-status', 'host mx.contoso.com[10.0.0.1] said: ', '(in reply to RCPT TO command)', 'Delivery has failed to these recipients or groups:', 'LED=', '{MSG=};'],
  headers: ['Received: ', 'from ', 'by ', 'with ESMTPS ', 'id ', '; ', 'Tue, 5 Mar 2024 10:15:22 +0000', '2024-03-05T10:15:22Z', 'Authentication-Results: ', 'spf=pass ', 'dkim=fail ', 'dmarc=fail action=oreject ', 'compauth=fail reason=000', 'header.from=', 'smtp.mailfrom=', 'X-Forefront-Antispam-Report: ', 'SFV:SPM;', 'SCL:9;', 'CAT:', 'ARC-Seal: i=', 'DKIM-Signature: d=', 'Subject: =?utf-8?B?', '?=', '\n '],
  intent: ['why did mail to ', 'bob@contoso.com', ' bounce', '?', 'check spf for ', 'contoso.com', 'yesterday', 'last 3 days', 'between 9 and 5', 'release ', 'because ', 'and ', 'what about ', 'is exchange down', '5.7.26', 'message id <a@b>', 'since monday', 'at 10:00', ' from ', ' to '],
  spf: ['v=spf1 ', 'include:', 'spf.protection.outlook.com ', 'a', 'mx', 'ptr', 'exists:', '%{i}', '%{ir}.%{v}._spf.%{d2}', '%%', '%_', '%-', 'ip4:', '192.0.2.0/24', 'ip6:', '2001:db8::/32', '-all', '~all', '?all', '+all', 'redirect=', 'exp=', '/', '//'],
  dmarc: ['v=DMARC1', '; ', 'p=', 'reject', 'quarantine', 'none', 'sp=', 'pct=', '100', 'rua=', 'mailto:', 'dmarc@contoso.com', '!10m', ',', 'ruf=', 'adkim=s', 'aspf=r', 'fo=1', 'ri=86400', 'np=', 't=y'],
};

const shortInput = (parser: ParserName) =>
  fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(fc.oneof(fc.constantFrom(...PIECES[parser], ...COMMON), fc.string({ maxLength: 8 })), { maxLength: 120 }).map((parts) => parts.join('')),
  );

/** Up to 1 MB: a short unit repeated (where a backtracking expression stalls), or a long run of pieces. */
const hugeInput = (parser: ParserName) =>
  fc
    .tuple(
      fc.oneof(fc.constantFrom(...PIECES[parser], ...COMMON), fc.array(fc.constantFrom(...PIECES[parser], ...COMMON), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')), fc.string({ minLength: 1, maxLength: 30 })),
      fc.integer({ min: 28 * 1024, max: ONE_MB }),
    )
    .map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));

/** Inputs known to stress parsers: long runs of one character, unclosed brackets, endless nesting. */
const PATHOLOGICAL = [
  ' '.repeat(ONE_MB),
  '('.repeat(ONE_MB),
  '<'.repeat(ONE_MB / 2) + '>'.repeat(ONE_MB / 2),
  'a@'.repeat(ONE_MB / 2),
  '5.'.repeat(ONE_MB / 2),
  '\n'.repeat(ONE_MB),
  '\n '.repeat(ONE_MB / 2),
  '%{'.repeat(ONE_MB / 2),
  `Received: ${'from a '.repeat(ONE_MB / 8)}`,
  `${'x'.repeat(ONE_MB - 20)}@contoso.com`,
  'v=spf1 ' + 'include:a.example '.repeat(ONE_MB / 20),
  'v=DMARC1;' + ' ;'.repeat(ONE_MB / 2 - 10),
];

const PARSERS: ParserName[] = ['ndr', 'headers', 'intent', 'spf', 'dmarc'];

describe.each(PARSERS)('the %s parser under hostile input', (parser) => {
  const sandbox = new ParserSandbox();
  afterAll(async () => {
    await sandbox.close();
  });

  const survives = async (text: string) => {
    const outcome = await sandbox.parse(parser, text);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome;
  };

  it('never throws or hangs on short random and format-shaped text', async () => {
    await fc.assert(fc.asyncProperty(shortInput(parser), async (text) => void (await survives(text))), { numRuns: 300 });
  });

  it('never throws or hangs on inputs up to 1 MB', async () => {
    await fc.assert(fc.asyncProperty(hugeInput(parser), async (text) => void (await survives(text))), { numRuns: 12 });
  }, 120_000);

  it.each(PATHOLOGICAL.map((text) => [JSON.stringify(text.slice(0, 24)), text] as const))('never throws or hangs on 1 MB of %s…', async (_label, text) => {
    await survives(text);
  }, 30_000);
});

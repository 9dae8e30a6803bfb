import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNdr, explainCode } from '../../src/analyzers/ndr';
import { codeReply } from '../../src/assistant/handlers/code';
import { ndrReply } from '../../src/assistant/handlers/ndr';
import type { Reply } from '../../src/model/reply';
import { cardText } from '../support/bot-harness';
import { cardProblems } from '../support/cards';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

function cardOf(reply: Reply) {
  if (reply.kind !== 'card') throw new Error(`expected a card, got text: ${reply.text}`);
  return reply.card;
}

function toggles(card: object): { targets: string[]; hidden: string[] } {
  const json = JSON.stringify(card);
  const targets = [...json.matchAll(/"targetElements":\["([^"]+)"\]/g)].map((m) => m[1]);
  const hidden = [...json.matchAll(/"id":"([^"]+)","isVisible":false/g)].map((m) => m[1]);
  return { targets, hidden };
}

function factTitles(card: object): string[] {
  return [...JSON.stringify(card).matchAll(/"title":"([^"]+)","value"/g)].map((m) => m[1]);
}

describe('the "NDR explained" card', () => {
  it('shows the plain-words headline, the code, who acts, the fix and the raw text behind a toggle', () => {
    const card = cardOf(ndrReply(analyzeNdr(fixture('exo-current.txt'))));
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain("bob@contoso.com doesn't exist at contoso.com");
    expect(text).toContain('550 5.1.10');
    expect(text).toContain('The sender');
    expect(text).toMatch(/1\. Check the spelling/);
    expect(text).toContain('RESOLVER.ADR.RecipientNotFound');
    const { targets, hidden } = toggles(card);
    expect(targets).toEqual(['raw-0']);
    expect(hidden).toEqual(['raw-0']);
  });

  it('says each thing once when the NDR has one recipient: the recipient block adds only what the top does not', () => {
    const card = cardOf(ndrReply(analyzeNdr(fixture('exo-current.txt'))));
    const facts = factTitles(card);
    expect(facts.filter((title) => title === 'Status code')).toHaveLength(1);
    expect(facts.filter((title) => title === 'Who acts')).toHaveLength(1);
    expect(facts).toEqual(expect.arrayContaining(['Recipient', 'Result', 'Reason']));
    expect(cardText(card).split("bob@contoso.com doesn't exist at contoso.com")).toHaveLength(2);
  });

  it('lists every failed recipient with its own status and a toggle of its own', () => {
    const card = cardOf(ndrReply(analyzeNdr(fixture('exo-classic.txt'))));
    expect(cardProblems(card)).toEqual([]);
    // The top's code and who acts are the first failure's; each recipient has its own.
    expect(factTitles(card).filter((title) => title === 'Status code')).toHaveLength(3);
    const text = cardText(card);
    expect(text).toContain('2 recipients');
    expect(text).toContain('550 5.1.10');
    expect(text).toContain('554 5.2.2');
    expect(text).toContain("megan@contoso.com's mailbox is full");
    expect(toggles(card).targets).toEqual(['raw-0', 'raw-1']);
  });

  it('stays under Teams\' 28 KB with hundreds of recipients and long server texts', () => {
    const groups = Array.from({ length: 300 }, (_, i) => `Final-Recipient: rfc822; user${i}@contoso.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 ${'User unknown '.repeat(300)}\n`);
    const card = cardOf(ndrReply(analyzeNdr(`Reporting-MTA: dns; mx.fabrikam.com\n\n${groups.join('\n')}`)));
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('290 more recipients');
  });

  it('keeps markdown, mentions and template syntax in the server text inert', () => {
    const card = cardOf(ndrReply(analyzeNdr('550 5.7.1 [click](https://evil.example) <at>Everyone</at> ${1+1} blocked using spamhaus')));
    expect(cardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toContain('](https://evil');
    expect(json).not.toContain('<at>');
  });

  it('answers text that is not an NDR with what it expected, not a card', () => {
    const reply = ndrReply(analyzeNdr('lunch at noon?'));
    expect(reply.kind).toBe('text');
    expect(reply.text).toMatch(/doesn't look like a non-delivery report/);
  });
});

describe('the status code card', () => {
  it.each(['5.7.708', '550 5.1.10', '4.7.650', '5.9.1', '554 blocked using zen.spamhaus.org'])('renders a valid card for %j', (asked) => {
    const card = cardOf(codeReply(explainCode(asked), asked));
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toMatch(/How to fix it/);
  });

  it('says who acts and links the documentation for 5.7.708', () => {
    const card = cardOf(codeReply(explainCode('5.7.708'), '5.7.708'));
    const text = cardText(card);
    expect(text).toContain("The sender's email admin");
    expect(text).toContain('Status code 5.7.708');
    expect(JSON.stringify(card)).toContain('"type":"Action.OpenUrl"');
  });

  it('explains how to ask when there is no code', () => {
    const reply = codeReply(explainCode('what does it mean'), 'what does it mean');
    expect(reply.kind).toBe('text');
    expect(reply.text).toMatch(/5\.7\.708/);
  });
});

import { diagnosisCard, diagnosisText } from '../../src/diagnosis/card';
import type { Finding } from '../../src/diagnosis/finding';
import { cardText } from '../support/bot-harness';
import { cardProblems } from '../support/cards';

const finding: Finding = {
  layer: 'quarantine',
  rootCause: 'The message from billing@litware.com to alex@contoso.com was quarantined as phishing at 14:05 UTC.',
  confidence: 'high',
  summary: '2 of 3 messages were quarantined since 09:00 UTC.',
  evidence: [{ fact: 'Trace 2026-11-20 14:05 UTC: Quarantine — phish', source: 'message-trace', at: '2026-11-20T14:05:00Z' }],
  nextSteps: ['Request its release.', 'Report it as a false positive.'],
  actions: [
    { kind: 'ask', title: 'Check litware.com', question: 'check spf for litware.com' },
    { kind: 'request-release', title: 'Request release', quarantineIdentity: 'abc\\def' },
  ],
  health: [{ id: 'EX123456', title: 'Delays', classification: 'incident', status: 'serviceDegradation', startDateTime: '2026-11-20T10:00:00Z' }],
  sourceFailures: [{ source: 'dns', what: 'DNS', advice: 'timed out' }],
  messagesExamined: 2,
};

describe('the diagnosis card', () => {
  it('renders a card Teams accepts, with the root cause, the steps, the evidence and both kinds of buttons', () => {
    const card = diagnosisCard(finding, 'anything quarantined from billing@litware.com?');
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('quarantined as phishing');
    expect(text).toContain('EX123456');
    expect(text).toContain('1. Request its release.');
    expect(text).toContain('timed out');
    const actions = (card as unknown as { actions: { type: string; title: string; data?: unknown }[] }).actions;
    expect(actions.map((action) => action.title)).toEqual(['Check litware.com', 'Request release']);
    expect(actions[1]).toMatchObject({ type: 'Action.Submit', data: { msteams: { type: 'imBack', value: 'release abc\\def' } } });
  });

  it('leaves out the health banner, the summary and the buttons when there are none', () => {
    const card = diagnosisCard({ ...finding, health: [], summary: null, actions: [], sourceFailures: [] }, 'why?');
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).not.toContain('EX123456');
    expect((card as { actions?: unknown[] }).actions ?? []).toEqual([]);
  });

  it('has a plain-text rendering with the same facts', () => {
    const text = diagnosisText(finding);
    expect(text).toContain('Quarantine: The message from billing@litware.com');
    expect(text).toContain('[Trace] Trace 2026-11-20 14:05 UTC');
  });
});

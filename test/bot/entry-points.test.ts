import * as teamsAi from '@microsoft/teams-ai';
import { Application } from '@microsoft/teams-ai/lib/Application';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState';

/**
 * The bot loads teams-ai through its modules, not the package index (which also loads the AI planners, the OpenAI
 * client and the tokenizer). If a teams-ai release moves them, this fails before the bot does.
 */
describe('teams-ai loaded through the modules the bot uses', () => {
  it('gets the very classes the package exports', () => {
    expect(Application).toBe(teamsAi.Application);
    expect(TeamsAdapter).toBe(teamsAi.TeamsAdapter);
    expect(TurnState).toBe(teamsAi.TurnState);
  });
});

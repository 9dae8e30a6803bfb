import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { ActivityTypes, ConfigurationServiceClientCredentialFactory, MemoryStorage, type Activity, type TurnContext } from 'botbuilder';
// The same modules the production bot loads (src/bot/app.ts), so these routes add no framework code of their own.
import { Application } from '@microsoft/teams-ai/lib/Application';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { respond } from '../assistant/respond';
import type { Services } from '../assistant/services';
import type { ConversationMemory } from '../assistant/turn';
import { activityOf } from '../bot/app';
import { turnInputOf } from '../bot/activity';
import { messageActivity } from './connector';

/**
 * The framework's floor, served beside the production bot in the bench's bot process (section 6), through the same
 * express + TeamsAdapter + teams-ai Application (memory state, no typing timer) the production bot uses:
 *
 * - `POST /api/messages`, the echo: one handler that sends the text back. What any answer costs at least.
 * - `POST /api/replay`: one handler that sends a precomputed answer and sets its conversation state, without working
 *   it out. Posted the NDR path's own message, it carries the NDR path's bytes in and out, so its cost over the echo
 *   is the framework's for those bytes, and the NDR path's cost over it is the assistant's work.
 */
export interface FloorServer {
  readonly url: string;
  close(): Promise<void>;
}

/** An answer as the bot sends it: the first reply's activity and the conversation state the turn leaves. */
export interface ReplayedAnswer {
  readonly activity: Partial<Activity>;
  readonly memory: ConversationMemory;
}

/** The production answer to `text` in a conversation's first turn, worked out once through respond(). */
export async function answerToReplay(text: string, services: Services): Promise<ReplayedAnswer> {
  const turn = turnInputOf(messageActivity(text, 'http://127.0.0.1/', 'a:replay') as Partial<Activity>, services.now());
  const answer = await respond(turn, {}, services);
  return { activity: activityOf(answer.replies[0]), memory: answer.memory };
}

type FloorTurnState = TurnState<{ memory?: ConversationMemory }>;

function floorApp(adapter: TeamsAdapter, handle: (context: TurnContext, state: FloorTurnState) => Promise<void>): Application<FloorTurnState> {
  // The same options as the production bot (src/bot/app.ts).
  const app = new Application<FloorTurnState>({ adapter, storage: new MemoryStorage(), startTypingTimer: false, removeRecipientMention: true });
  app.activity(ActivityTypes.Message, handle);
  return app;
}

/**
 * `replayed` is worked out on the first replay, not at start: working it out runs the assistant once (its tables, card
 * templates and compiled code), which raised the bot process's idle resident set, read in section 7, by 4 MB.
 */
export async function startFloorServer(replayed: () => Promise<ReplayedAnswer>): Promise<FloorServer> {
  let answer: Promise<ReplayedAnswer> | undefined;
  const adapter = new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({ MicrosoftAppType: 'MultiTenant' }));
  const echo = floorApp(adapter, async (context) => {
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  });
  const replay = floorApp(adapter, async (context, state) => {
    const { activity, memory } = await (answer ??= replayed());
    state.conversation.memory = memory;
    // A copy each turn: the adapter fills in the conversation's addressing on the activity it sends.
    await context.sendActivity({ ...activity });
  });
  const web = express();
  web.disable('x-powered-by');
  web.use(express.json({ limit: '4mb' }));
  for (const [path, app] of [['/api/messages', echo], ['/api/replay', replay]] as const) {
    web.post(path, async (req, res) => {
      await adapter.process(req, res as never, async (context) => {
        await app.run(context);
      });
    });
  }
  const server: Server = await new Promise((resolve) => {
    const listening = web.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import type { Command } from 'commander';
import { createServices } from '../../compose';
import { loadConfig } from '../../config';
import { materialiseCertificate } from '../../ops/certificate';
import { keyVaultReferencesProbe, unresolvedKeyVaultReferences, withoutUnresolvedReferences } from '../../ops/key-vault-references';
import { defaultReadinessProbes } from '../../ops/readiness';
import { shutdownOnSignals } from '../../ops/shutdown';
import { startTelemetry } from '../../ops/telemetry';
import { createTurnStateStorage } from '../../ops/turn-state';
import { startServer } from '../../server';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the bot: POST /api/messages, GET /healthz and GET /readyz')
    .option('--port <n>', 'port (overrides PORT)')
    .action(async (options: { port?: string }) => {
      const env = options.port ? { ...process.env, PORT: options.port } : process.env;
      // A Key Vault reference App Service could not resolve arrives as its own text; it must not be used as a value.
      const unresolved = unresolvedKeyVaultReferences(env);
      const config = materialiseCertificate(loadConfig(withoutUnresolvedReferences(env)));
      // Telemetry starts before the server, so the first turn's span and metrics already reach the exporter. (Express
      // is imported above, before the SDK's HTTP auto-instrumentation could hook it: our own spans are what we rely on.)
      const telemetry = startTelemetry(config);
      const services = createServices(config);
      if (unresolved.length > 0) services.log.error({ variables: unresolved }, 'Key Vault references not resolved; treated as unset');
      const server = await startServer(config, services, {
        // Conversation state in storage, so that any instance can answer a follow-up.
        storage: createTurnStateStorage(config),
        readinessProbes: [...defaultReadinessProbes(config), keyVaultReferencesProbe(unresolved)],
      });
      services.log.info({ url: `${server.url}/api/messages`, telemetry: telemetry.enabled }, 'Mailflow Doctor is listening');
      // SIGTERM (App Service scale-in, deployment, restart): finish in-flight turns, then flush telemetry and exit.
      shutdownOnSignals({
        stop: async () => {
          await server.close();
          await telemetry.shutdown();
        },
        log: services.log,
        exit: (code) => process.exit(code),
      });
    });
}

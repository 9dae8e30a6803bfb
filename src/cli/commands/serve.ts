import type { Command } from 'commander';
import { createServices } from '../../compose';
import { loadConfig } from '../../config';
import { startServer } from '../../server';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the bot: POST /api/messages and GET /healthz')
    .option('--port <n>', 'port (overrides PORT)')
    .action(async (options: { port?: string }) => {
      const config = loadConfig(options.port ? { ...process.env, PORT: options.port } : process.env);
      const services = createServices(config);
      const server = await startServer(config, services);
      services.log.info({ url: `${server.url}/api/messages` }, 'Mailflow Doctor is listening');
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}

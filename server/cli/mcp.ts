/**
 * `kwerenda mcp --user NAME`: the MCP server over stdio, for an agent running on the same machine.
 * It acts as that user — who must exist and be enabled — so the user's role decides what the tools
 * may do, and every search and page read is in the audit trail under that name. The user is checked
 * again before every tool call: once disabled (or given another role) they are refused at once,
 * without restarting the process. Standard output carries the protocol and nothing else: logs and
 * messages go to standard error.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';
import { createLogger } from '../log.js';
import { createSearchRuntime } from '../main.js';
import { createMcpServer } from '../mcp/server.js';
import type { Actor } from '../store/users.js';

export async function mcpCommand(config: Readonly<Config>, userName: string): Promise<number> {
  const logger = createLogger(config.logLevel);
  const runtime = await createSearchRuntime(config, { logger });
  let actor: Actor;
  try {
    const user = runtime.users.byName(userName);
    if (!user) throw new DomainError('user_not_found', `nie ma użytkownika ${userName}`, 404);
    if (user.disabled) throw new DomainError('user_disabled', `użytkownik ${userName} jest zablokowany`, 403);
    actor = { userId: user.id, name: user.name, role: user.role, via: 'cli' };
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const server = createMcpServer(
    { agent: runtime.agent, documents: runtime.documents, audit: runtime.auditLog, pesel: runtime.pesel, logger, stillActs: (a) => runtime.users.assertStillActs(a) },
    actor,
  );
  const transport = new StdioServerTransport();
  const stopped = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.connect(transport);
  logger.info('mcp_stdio_started', { user: actor.name, role: actor.role });
  await stopped;
  await server.close().catch(() => undefined);
  await runtime.close();
  return 0;
}

/**
 * User administration for admins: list, create (with an initial password and/or an API token),
 * change role or disable, reset a password (which ends the user's sessions and revokes their API
 * tokens). Every change is in the audit trail (by the store).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { hashPassword, zPassword } from '../../security/passwords.js';
import { passwordChanged, ROLES, zUserName, type Users } from '../../store/users.js';
import { actorOf } from '../auth.js';
import { parseParams, zUserParams } from '../params.js';
import { route } from '../route.js';

const zRole = z.enum(ROLES, { error: `rola: jedna z ${ROLES.join(', ')}` });

/** Request bodies of the user routes (also in the OpenAPI description). */
export const zCreate = z
  .object({
    name: zUserName,
    role: zRole,
    password: zPassword.optional(),
    tokenDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const zChange = z
  .object({ role: zRole.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined, 'podaj rolę (role) lub blokadę (disabled)');

export const zPasswordBody = z.object({ password: zPassword }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new DomainError('invalid_request', `${i.path.length ? `pole ${i.path.join('.')}: ` : ''}${i.message}`);
  }
  return r.data;
}

const nameParam = (req: Request) => parseParams(zUserParams, req.params, () => new DomainError('user_not_found', 'nie ma takiego użytkownika', 404)).name;

export function userRoutes(users: Users): Router {
  const r = Router();

  route(r, 'GET', '/users', (_req, res) => {
    res.json({ users: users.list() });
  });

  /** The API token in the answer is shown once; it is not stored. */
  route(r, 'POST', '/users', async (req, res) => {
    const body = parse(zCreate, req.body);
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    const created = users.add(body.name, body.role, {
      by: actorOf(res),
      ...(passwordHash ? { passwordHash } : {}),
      ...(body.tokenDays ? { tokenDays: body.tokenDays } : {}),
    });
    res.status(201).json(created);
  });

  route(r, 'PATCH', '/users/:name', (req, res) => {
    const body = parse(zChange, req.body);
    const by = actorOf(res);
    if (nameParam(req) === by.name && (body.disabled === true || (body.role !== undefined && body.role !== 'admin'))) {
      throw new DomainError('invalid_request', 'nie można odebrać uprawnień administratora samemu sobie', 409);
    }
    let user = users.byName(nameParam(req));
    if (!user) throw new DomainError('user_not_found', 'nie ma takiego użytkownika', 404);
    if (body.role !== undefined && body.role !== user.role) user = users.setRole(user.name, body.role, by);
    if (body.disabled !== undefined && body.disabled !== user.disabled) user = users.setDisabled(user.name, body.disabled, by);
    res.json({ user });
  });

  route(r, 'POST', '/users/:name/password', async (req, res) => {
    const body = parse(zPasswordBody, req.body);
    const { user, revokedTokens } = await users.setPassword(nameParam(req), body.password, actorOf(res));
    res.json({ user, revokedTokens, message: passwordChanged(user.name, revokedTokens) });
  });

  return r;
}

/**
 * Registers a route with the access rule the permission table gives it. A route missing from the
 * table cannot be registered: the server refuses to start, and the role × route suite fails.
 */
import type { RequestHandler, Router } from 'express';
import { ruleFor, type Method } from '../security/permissions.js';
import { guard } from './auth.js';

export function route(r: Router, method: Method, path: string, ...handlers: RequestHandler[]): void {
  const rule = ruleFor(method, path);
  if (!rule) throw new Error(`route ${method} ${path} has no rule in server/security/permissions.ts`);
  const m = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  r[m](path, guard(rule.access, path), ...handlers);
}

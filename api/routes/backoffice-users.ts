import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { ADMINS, fieldsOf, flashOf, redirectWith, sendPage, sessionOf, type BackofficeDeps } from '../../web/backoffice/context.js';
import { csrfField, h, messagesOf } from '../../web/backoffice/layout.js';
import { ApiError } from '../errors.js';
import { createUser, listUsers, userRoleSchema } from '../services/users.js';

// User management, for administrators only: the list of accounts and the form that
// creates one with its role and language.

const config = { backofficeRoles: ADMINS };

export function registerBackofficeUserRoutes(office: FastifyInstance, deps: BackofficeDeps): void {
  office.get('/users', { config }, async (request, reply) => {
    const session = sessionOf(request);
    const messages = messagesOf(session.user.language);
    const labels = messages.users;
    const users = await listUsers(deps.sql);
    const problem = typeof (request.query as Record<string, unknown>).problem === 'string' ? String((request.query as Record<string, unknown>).problem).slice(0, 300) : '';
    const roleOptions = userRoleSchema.options.map((role) => `<option value="${role}">${h(messages.roles[role] ?? role)}</option>`).join('');
    const body = `<table><thead><tr><th scope="col">${h(labels.email)}</th><th scope="col">${h(labels.name)}</th><th scope="col">${h(labels.role)}</th><th scope="col">${h(labels.language)}</th></tr></thead><tbody>`
      + users.map((user) => `<tr><td>${h(user.email)}${user.disabled ? ` (${h(labels.disabled)})` : ''}</td><td>${h(user.name ?? '')}</td><td>${h(messages.roles[user.role] ?? user.role)}</td><td>${h(user.language)}</td></tr>`).join('')
      + `</tbody></table><h2>${h(labels.create)}</h2>${problem ? `<p class="alert" role="alert">${h(problem)}</p>` : ''}`
      + `<form method="post" action="/backoffice/users">${csrfField(session)}`
      + `<div class="field"><label for="email">${h(labels.email)}</label><input id="email" name="email" type="email" required></div>`
      + `<div class="field"><label for="name">${h(labels.name)}</label><input id="name" name="name" maxlength="200"></div>`
      + `<div class="field"><label for="role">${h(labels.role)}</label><select id="role" name="role">${roleOptions}</select></div>`
      + `<div class="field"><label for="language">${h(labels.language)}</label><select id="language" name="language"><option value="fr">${h(messages.languages.fr ?? 'fr')}</option><option value="en">${h(messages.languages.en ?? 'en')}</option></select></div>`
      + `<div class="field"><label for="password">${h(labels.password)}</label><input id="password" name="password" type="password" minlength="12" autocomplete="new-password" required></div>`
      + `<button type="submit">${h(labels.submit)}</button></form>`;
    return sendPage(request, reply, deps, { title: labels.title, body, flash: flashOf(request) });
  });

  office.post('/users', { config }, async (request, reply) => {
    const session = sessionOf(request);
    const fields = fieldsOf(request);
    try {
      const user = await createUser(deps.sql, { email: fields.email ?? '', name: fields.name || undefined, role: fields.role as never, language: fields.language === 'en' ? 'en' : 'fr', password: fields.password ?? '' });
      request.log.info({ userId: user.id, role: user.role, createdBy: session.user.id }, 'back-office user created');
      return redirectWith(reply, '/backoffice/users', messagesOf(session.user.language).users.created(user.email));
    } catch (error) {
      if (error instanceof ZodError) return redirectWith(reply, `/backoffice/users?problem=${encodeURIComponent(error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '))}`);
      if (error instanceof ApiError) return redirectWith(reply, `/backoffice/users?problem=${encodeURIComponent(error.message)}`);
      throw error;
    }
  });
}

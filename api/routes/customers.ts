import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { Sql } from '../../db/client.js';
import type { AppDeps } from '../app.js';
import { notFound } from '../errors.js';
import { contactSchema, customerSchema, errorResponses, idParamsSchema, pageSchema } from '../schemas.js';
import { pageQuerySchema, readPage, sortSchema, type Fragment } from '../services/lists.js';

const customerListQuerySchema = pageQuerySchema.extend({
  q: z.string().trim().min(1).max(200).optional().describe('Part of the name or external reference, case-insensitive'),
  segment: z.string().trim().max(60).optional(),
  sort: sortSchema(['name', 'externalRef', 'createdAt'], 'name'),
});

export const customerDetailSchema = customerSchema.extend({
  contacts: z.array(contactSchema.extend({ id: z.uuid(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), language: z.string().nullable() })),
});

function customersBase(sql: Sql): Fragment {
  return sql`
    select id, external_ref as "externalRef", name, siren, vat_number as "vatNumber", is_business as "isBusiness",
      language, time_zone as "timeZone", segment, scenario_id as "scenarioId", address,
      created_at as "createdAt", updated_at as "updatedAt"
    from customers`;
}

/** Reads a customer with its contacts, as GET /v1/customers/:id returns it. */
export async function readCustomer(sql: Sql, id: string): Promise<z.infer<typeof customerDetailSchema>> {
  const [customer] = await sql<z.infer<typeof customerSchema>[]>`select * from (${customersBase(sql)}) as base where base.id = ${id}`;
  if (!customer) throw notFound('customer', id);
  const contacts = await sql<z.infer<typeof customerDetailSchema>['contacts']>`
    select id, role, name, email, phone, language from contacts where customer_id = ${customer.id} order by created_at, id`;
  return { ...customer, contacts };
}

export function registerCustomerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sql } = deps;

  routes.get(
    '/v1/customers',
    {
      schema: {
        summary: 'List customers',
        tags: ['customers'],
        querystring: customerListQuerySchema,
        response: { 200: pageSchema(customerSchema), ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const where: Fragment[] = [];
      if (query.q) {
        const pattern = `%${query.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
        where.push(sql`base.name ilike ${pattern} or base."externalRef" ilike ${pattern}`);
      }
      if (query.segment) where.push(sql`base.segment = ${query.segment}`);

      return readPage<z.infer<typeof customerSchema>>(sql, {
        base: customersBase(sql),
        where,
        sort: query.sort,
        columns: {
          name: { expression: sql`base.name`, type: 'text' },
          externalRef: { expression: sql`base."externalRef"`, type: 'text' },
          createdAt: { expression: sql`base."createdAt"`, type: 'timestamptz' },
        },
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  );

  routes.get(
    '/v1/customers/:id',
    {
      schema: {
        summary: 'Read a customer with its contacts',
        tags: ['customers'],
        params: idParamsSchema,
        response: { 200: z.object({ customer: customerDetailSchema }), ...errorResponses },
      },
    },
    async (request) => ({ customer: await readCustomer(sql, request.params.id) }),
  );
}

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError } from '../errors';
import {
  applySelector,
  FilterSyntaxError,
  parseFilter,
  parseSelector,
  SelectorError,
  unknownAttribute,
  type Filter,
  type Selector,
} from '../domain/query';
import type { ListPage, ListQuery } from '../ports/store';
import type { ApiContext } from './context';

/** Query parameters of every list resource (SOL013 5.2 - 5.4). */
export const ListQuerySchema = Type.Object({
  filter: Type.Optional(Type.String()),
  all_fields: Type.Optional(Type.String()),
  fields: Type.Optional(Type.String()),
  exclude_fields: Type.Optional(Type.String()),
  exclude_default: Type.Optional(Type.String()),
  nextpage_opaque_marker: Type.Optional(Type.String()),
});

/**
 * The answer of a list resource: items of `item`'s schema in which nothing is required, at any depth,
 * since attribute selectors (SOL013 5.3) may leave out any attribute (`exclude_fields=_links/self`),
 * and the serializer refuses (500) an object without a required member.
 */
export function ListOf<T extends TSchema>(item: T) {
  return Type.Array(Type.Unsafe<Partial<Static<T>>>(withoutRequired(item) as object));
}

function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'required' && Array.isArray(v)) continue;
    // the members of `properties` (and `patternProperties`) are names, not keywords: a member may be called "required"
    out[k] =
      (k === 'properties' || k === 'patternProperties') && v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as object).map(([n, s]) => [n, withoutRequired(s)]))
        : withoutRequired(v);
  }
  return out;
}

export interface ParsedListQuery {
  filter?: Filter;
  selector: Selector;
  marker?: string;
}

/**
 * Parses filter and selectors; a bad one is a 400 naming the parameter and the reason. With the
 * resource's `attributes`, a filter or selector whose path starts at an attribute the resource does
 * not have is a 400 too (SOL013 5.2, 5.3; ETSI's conformance cases send `attribute_not_exist`).
 */
export function parseListQuery(
  q: {
    filter?: string;
    all_fields?: string;
    fields?: string;
    exclude_fields?: string;
    exclude_default?: string;
    nextpage_opaque_marker?: string;
  },
  attributes?: ReadonlySet<string>,
): ParsedListQuery {
  const out: ParsedListQuery = { selector: { kind: 'default' } };
  try {
    if (q.filter !== undefined) out.filter = parseFilter(q.filter);
    out.selector = parseSelector(q);
  } catch (err) {
    if (err instanceof FilterSyntaxError)
      throw new BadRequestError(`invalid filter: ${err.message}`, { field: 'filter' });
    if (err instanceof SelectorError)
      throw new BadRequestError(`invalid attribute selector: ${err.message}`, { field: err.parameter });
    throw err;
  }
  if (attributes !== undefined) {
    const badFilter = unknownAttribute(
      (out.filter ?? []).map((t) => t.path),
      attributes,
    );
    if (badFilter !== undefined)
      throw new BadRequestError(`invalid filter: '${badFilter}' is not an attribute of this resource`, {
        field: 'filter',
      });
    const sel = out.selector;
    const paths = sel.kind === 'fields' ? sel.include : sel.kind === 'exclude' ? sel.exclude : [];
    const badSel = unknownAttribute(paths, attributes);
    if (badSel !== undefined) {
      throw new BadRequestError(`invalid attribute selector: '${badSel}' is not an attribute of this resource`, {
        field: sel.kind === 'fields' ? 'fields' : 'exclude_fields',
      });
    }
  }
  if (q.nextpage_opaque_marker !== undefined) out.marker = q.nextpage_opaque_marker;
  return out;
}

/** Sends a page: the selected documents, and a `Link: <...>; rel="next"` header when more remain. */
export function sendPage<T extends object>(
  req: FastifyRequest,
  reply: FastifyReply,
  publicUrl: string,
  page: ListPage<T>,
  selector: Selector,
  defaultExcludes: readonly string[],
): Partial<T>[] {
  if (page.nextMarker !== undefined) {
    const url = new URL(req.url, publicUrl);
    url.searchParams.set('nextpage_opaque_marker', page.nextMarker);
    reply.header('Link', `<${publicUrl}${url.pathname}${url.search}>; rel="next"`);
  }
  return page.items.map((d) => applySelector(d, selector, defaultExcludes));
}

/** What a list resource is made of: its store, its attribute names, how an item is shown, what it leaves out. */
export interface ListResource<T, V extends object> {
  list(query: ListQuery): Promise<ListPage<T>>;
  attributes: ReadonlySet<string>;
  view(item: T): V | Promise<V>;
  defaultExcludes: readonly string[];
}

/** A list request answered: the query parsed, one page read and shown, the selector applied, a `Link` to the next. */
export async function answerList<T, V extends object>(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: Pick<ApiContext, 'publicUrl' | 'pageSize'>,
  resource: ListResource<T, V>,
): Promise<Partial<V>[]> {
  const q = parseListQuery(req.query as Parameters<typeof parseListQuery>[0], resource.attributes);
  const page = await resource.list({ filter: q.filter, marker: q.marker, limit: ctx.pageSize });
  const items = await Promise.all(page.items.map((i) => resource.view(i)));
  return sendPage(req, reply, ctx.publicUrl, { ...page, items }, q.selector, resource.defaultExcludes);
}

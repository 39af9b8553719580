import Ajv from 'ajv';

/**
 * A JSON Schema of OpenAPI 3.0.x documents, written for this project from the OpenAPI Specification
 * 3.0.3 (the Schema Object is the OpenAPI subset of JSON Schema: no `const`, `patternProperties`,
 * `$id`, type arrays or `type: 'null'`; `required` and `enum` never empty; `items` one schema). Every
 * object is closed but for `x-` extensions, so a keyword the specification does not have is an error.
 * It checks the structure; `openApiProblems` adds what a schema cannot say (path parameters).
 *
 * NOTE: a published validator (e.g. @apidevtools/swagger-parser) could replace this one.
 */
const ext = { '^x-': {} };
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  patternProperties: ext,
  additionalProperties: false,
});
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const orRef = (name: string) => ({ oneOf: [ref('reference'), ref(name)] });
const mapOf = (schema: unknown) => ({ type: 'object', additionalProperties: schema });
const str = { type: 'string' };
const bool = { type: 'boolean' };
const nonNegative = { type: 'integer', minimum: 0 };
const strings = { type: 'array', items: str };

const schemaObject = {
  type: 'object',
  properties: {
    title: str,
    multipleOf: { type: 'number', exclusiveMinimum: 0 },
    maximum: { type: 'number' },
    exclusiveMaximum: bool,
    minimum: { type: 'number' },
    exclusiveMinimum: bool,
    maxLength: nonNegative,
    minLength: nonNegative,
    pattern: { type: 'string', format: 'regex' },
    maxItems: nonNegative,
    minItems: nonNegative,
    uniqueItems: bool,
    maxProperties: nonNegative,
    minProperties: nonNegative,
    required: { type: 'array', items: str, minItems: 1, uniqueItems: true },
    enum: { type: 'array', minItems: 1 },
    type: { enum: ['array', 'boolean', 'integer', 'number', 'object', 'string'] },
    not: orRef('schema'),
    allOf: { type: 'array', items: orRef('schema') },
    oneOf: { type: 'array', items: orRef('schema') },
    anyOf: { type: 'array', items: orRef('schema') },
    items: orRef('schema'),
    properties: mapOf(orRef('schema')),
    additionalProperties: { oneOf: [ref('reference'), ref('schema'), bool] },
    description: str,
    format: str,
    default: {},
    nullable: bool,
    discriminator: {
      type: 'object',
      properties: { propertyName: str, mapping: mapOf(str) },
      required: ['propertyName'],
    },
    readOnly: bool,
    writeOnly: bool,
    example: {},
    externalDocs: ref('externalDocs'),
    deprecated: bool,
    xml: { type: 'object' },
  },
  patternProperties: ext,
  additionalProperties: false,
  // the specification: "items MUST be present if the type is array"
  if: { properties: { type: { const: 'array' } }, required: ['type'] },
  then: { properties: { items: {} }, required: ['items'] },
};

const mediaType = closed({
  schema: orRef('schema'),
  example: {},
  examples: mapOf({}),
  encoding: mapOf({ type: 'object' }),
});
const content = mapOf(mediaType);
const parameter = closed(
  {
    name: str,
    in: { enum: ['query', 'header', 'path', 'cookie'] },
    description: str,
    required: bool,
    deprecated: bool,
    allowEmptyValue: bool,
    style: str,
    explode: bool,
    allowReserved: bool,
    schema: orRef('schema'),
    example: {},
    examples: mapOf({}),
    content,
  },
  ['name', 'in'],
);
const operation = closed(
  {
    tags: strings,
    summary: str,
    description: str,
    externalDocs: ref('externalDocs'),
    operationId: str,
    parameters: { type: 'array', items: orRef('parameter') },
    requestBody: { oneOf: [ref('reference'), closed({ description: str, content, required: bool }, ['content'])] },
    responses: {
      type: 'object',
      patternProperties: { '^([1-5](\\d{2}|XX)|default)$': orRef('response'), ...ext },
      additionalProperties: false,
      minProperties: 1,
    },
    callbacks: mapOf(orRef('callback')),
    deprecated: bool,
    security: { type: 'array', items: mapOf(strings) },
    servers: { type: 'array', items: { type: 'object' } },
  },
  ['responses'],
);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const pathItem = closed({
  $ref: str,
  summary: str,
  description: str,
  servers: { type: 'array' },
  parameters: { type: 'array', items: orRef('parameter') },
  ...Object.fromEntries(METHODS.map((m) => [m, ref('operation')])),
});

const OPENAPI_3_0 = {
  definitions: {
    reference: { type: 'object', properties: { $ref: str }, required: ['$ref'], additionalProperties: false },
    externalDocs: closed({ description: str, url: str }, ['url']),
    schema: schemaObject,
    parameter,
    operation,
    pathItem,
    response: closed(
      { description: str, headers: mapOf({ type: 'object' }), content, links: mapOf({ type: 'object' }) },
      ['description'],
    ),
    callback: { type: 'object', patternProperties: ext, additionalProperties: ref('pathItem') },
    securityScheme: {
      type: 'object',
      properties: { type: { enum: ['apiKey', 'http', 'oauth2', 'openIdConnect'] } },
      required: ['type'],
    },
  },
  ...closed(
    {
      openapi: { type: 'string', pattern: '^3\\.0\\.\\d+(-.+)?$' },
      info: closed(
        {
          title: str,
          description: str,
          termsOfService: str,
          contact: { type: 'object' },
          license: { type: 'object' },
          version: str,
        },
        ['title', 'version'],
      ),
      servers: { type: 'array', items: { type: 'object' } },
      paths: { type: 'object', patternProperties: { '^/': ref('pathItem'), ...ext }, additionalProperties: false },
      components: closed({
        schemas: mapOf(orRef('schema')),
        responses: mapOf(orRef('response')),
        parameters: mapOf(orRef('parameter')),
        examples: mapOf({ type: 'object' }),
        requestBodies: mapOf({ type: 'object' }),
        headers: mapOf({ type: 'object' }),
        securitySchemes: mapOf(orRef('securityScheme')),
        links: mapOf({ type: 'object' }),
        callbacks: mapOf(orRef('callback')),
      }),
      security: { type: 'array', items: mapOf(strings) },
      tags: {
        type: 'array',
        items: closed({ name: str, description: str, externalDocs: ref('externalDocs') }, ['name']),
      },
      externalDocs: ref('externalDocs'),
    },
    ['openapi', 'info', 'paths'],
  ),
};

export interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
  callbacks?: Record<
    string,
    Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: unknown }> } }>>
  >;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
}

const validate = new Ajv({ allErrors: true, strict: true, validateFormats: false }).compile(OPENAPI_3_0);

/** What makes `doc` no OpenAPI 3.0 document: each problem as `<JSON pointer> <message>` (none when it is one). */
export function openApiProblems(doc: unknown): string[] {
  const problems = validate(doc)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  if (problems.length > 0) return problems;
  // every {name} of a path template is a required path parameter of each of its operations, and no other is
  for (const [path, item] of Object.entries((doc as OpenApiDocument).paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string).sort();
    for (const [method, op] of Object.entries(item).filter(([m]) => METHODS.includes(m))) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'path');
      if (JSON.stringify(params.map((p) => p.name).sort()) !== JSON.stringify(names))
        problems.push(
          `${method} ${path}: path parameters ${params.map((p) => p.name).join(',')} are not those of the template`,
        );
      for (const p of params)
        if (p.required !== true) problems.push(`${method} ${path}: path parameter ${p.name} is not required`);
    }
  }
  return problems;
}

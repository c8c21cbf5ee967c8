import { Type, type TLiteral, type TSchema, type TUnion } from 'typebox';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    instance: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details' },
);

/** The error responses every route may give, for the OpenAPI document. */
export const problemResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
};

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** A Date in the code, an ISO 8601 string on the wire. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
/** Null first: with type coercion on, AJV would otherwise turn a JSON null into "" for a string. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);
/**
 * A number or null in a request body. Not Nullable: in that union type coercion turns 0 into null
 * (`"maxThreshold": 0` would silently mean "no threshold"); `nullable` keeps 0 and refuses what is out of range.
 */
export const NullableNumber = (t: TSchema & { type: 'number' | 'integer' }) => Type.Unsafe<number | null>({ ...t, nullable: true });

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The entity version from its ETag; a stale one is a 409' })),
});

/** The same object schema fields, each made optional (for PATCH bodies). */
export const allOptional = <T extends Record<string, TSchema>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };

/** A closed set of strings, typed as such. */
export const literals = <const T extends readonly string[]>(values: T): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> =>
  Type.Union(values.map((v) => Type.Literal(v))) as never;

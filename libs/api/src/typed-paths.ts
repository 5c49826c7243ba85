/**
 * Type-level helpers that read operation shapes out of openapi-typescript's `paths` interfaces, so clients and
 * server handlers are typed from the specs without naming generated types by hand.
 */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head';

/** Paths of `Paths` that define method `M`. */
export type PathsWith<Paths, M extends HttpMethod> = {
  [P in keyof Paths]: Paths[P] extends Record<M, infer O> ? ([O] extends [never] ? never : O extends undefined ? never : P) : never;
}[keyof Paths] & string;

/** The operation object at `Paths[P][M]`. */
export type OperationOf<Paths, P extends keyof Paths, M extends HttpMethod> = Paths[P] extends Record<M, infer O> ? NonNullable<O> : never;

type Parameters_<O> = O extends { parameters: infer X } ? X : Record<string, never>;
type Clean<X> = [X] extends [never] ? Record<string, never> : [X] extends [undefined] ? Record<string, never> : NonNullable<X>;

/** Path parameters of an operation (`{}` when it has none). */
export type PathParamsOf<O> = Clean<Parameters_<O> extends { path?: infer X } ? X : never>;
/** Query parameters of an operation (`{}` when it has none). */
export type QueryOf<O> = Clean<Parameters_<O> extends { query?: infer X } ? X : never>;

type ContentOf<X> = X extends { content: infer C } ? C : never;
type JsonContent<C> = C extends { 'application/json': infer B } ? B : C extends { 'text/plain': infer B } ? B : never;

/** JSON request body of an operation (`never` when it takes none or takes bytes). */
export type BodyOf<O> = O extends { requestBody?: infer RB } ? ([RB] extends [never] ? never : JsonContent<ContentOf<NonNullable<RB>>>) : never;

type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type SuccessCode = 200 | 201 | 202 | 203 | 204 | 206 | 307;
type BodyOfResponse<X> = [ContentOf<X>] extends [never] ? undefined : JsonContent<ContentOf<X>> extends never ? unknown : JsonContent<ContentOf<X>>;

/** Union of `{status, body}` for every documented success status of an operation. */
export type SuccessOf<O> = {
  [K in keyof ResponsesOf<O>]: K extends SuccessCode ? { status: K; body: BodyOfResponse<ResponsesOf<O>[K]> } : never;
}[keyof ResponsesOf<O>];

/** The JSON body of any documented success response. */
export type SuccessBodyOf<O> = SuccessOf<O> extends { body: infer B } ? B : never;

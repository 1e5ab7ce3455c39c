/**
 * The one export of the Workers runtime module `cloudflare:workers` the example uses, declared
 * here so the example needs no type package (`@cloudflare/workers-types` has the full one).
 */
declare module "cloudflare:workers" {
  /** The base class of a Workflow: the runtime calls `run` with the event and the step API. */
  export abstract class WorkflowEntrypoint<Env = unknown, Params = unknown> {
    protected readonly ctx: unknown;
    protected readonly env: Env;
    constructor(ctx: unknown, env: Env);
    abstract run(
      event: Readonly<{ payload: Readonly<Params>; instanceId: string; timestamp: Date }>,
      step: unknown,
    ): Promise<unknown>;
  }
}

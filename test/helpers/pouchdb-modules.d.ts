// express-pouchdb and PouchDB's plugins ship no types; the tests use them as below.
declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  function expressPouchDB(pouch: unknown, options?: Record<string, unknown>): (req: IncomingMessage, res: ServerResponse) => void;
  export default expressPouchDB;
}
declare module 'pouchdb-core' {
  interface PouchInstance {
    find(request: unknown): Promise<unknown>;
  }
  interface PouchConstructor {
    new (name: string): PouchInstance;
    plugin(plugin: unknown): PouchConstructor;
    setMaxListeners(n: number): void;
    defaults(options: Record<string, unknown>): PouchConstructor;
  }
  const PouchDB: PouchConstructor;
  export default PouchDB;
}
declare module 'pouchdb-adapter-memory' {
  const plugin: unknown;
  export default plugin;
}
declare module 'pouchdb-find' {
  const plugin: unknown;
  export default plugin;
}

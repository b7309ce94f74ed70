export { migrate, openStore, type Backend, type Store, type StoreOptions } from './store.js';
export { type Committer, createCommitter, type Work } from './committer.js';
export { openSqliteConnection, SQLITE_CACHE_KIB } from './open-sqlite.js';
export type { Database } from './schema.js';

// Local data: a CSV the user picks, optionally kept in this origin's IndexedDB for the next visit.
const DB = 'federa-example-data';
const STORE = 'files';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = op(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** The CSV kept for `key`, if any: { name, text }. */
export function storedCsv(key: string): Promise<{ name: string; text: string } | undefined> {
  return run('readonly', (s) => s.get(key));
}

/** Keep a CSV in IndexedDB (it never leaves the browser). */
export async function storeCsv(key: string, file: { name: string; text: string }): Promise<void> {
  await run('readwrite', (s) => s.put(file, key));
}

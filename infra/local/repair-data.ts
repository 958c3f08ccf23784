// `npm run repair-data`: the recovery `npm start` names when it finds the data directory damaged. With the
// stack stopped (it takes the same lock), it runs LevelDB's own repair on the DynamoDB store (rebuilding
// CURRENT and the manifest from the table and log files, keeping every record that still reads) and
// rewrites a damaged outbox with its whole entries, keeping the damaged file beside it, and the Step
// Functions journal with what its whole lines say. The next start
// then re-checks every index (as after a crash) and the reconciler resumes the open complaints.
// Records that were lost stay lost: restoring the data directory from a backup is the other way.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataDirInUse, lockDataDir } from './data-dir-lock.ts';
import { RUNNING_MARKER_FILE } from './dynamo/server.ts';
import { StoreDamaged, checkLevelStore, classicLevel, forgetCleanStop } from './dynamo/level-store-check.ts';
import { repairOutboxFile } from './sns/outbox-file.ts';
import { JOURNAL_FILE, repairExecutionJournal } from './sfn/journal.ts';

const dataDir = resolve(process.env.DATA_DIR ?? '.data');

function fail(line: string): never {
  console.error(`npm run repair-data: ${line}`);
  process.exit(1);
}

if (!existsSync(dataDir)) fail(`there is no data directory ${dataDir} (set DATA_DIR)`);
let lock;
try {
  lock = lockDataDir(dataDir);
} catch (error) {
  if (error instanceof DataDirInUse) fail(error.message);
  throw error;
}

try {
  await repairStore(join(dataDir, 'dynamo'));
  const outbox = repairOutboxFile(join(dataDir, 'outbox.jsonl'));
  console.log(
    outbox
      ? `outbox: kept ${outbox.kept} whole entries, dropped ${outbox.dropped} damaged line(s); the damaged file is ${outbox.copy || 'gone'}`
      : 'outbox: no damage found',
  );
  const journal = repairExecutionJournal(join(dataDir, JOURNAL_FILE));
  console.log(
    journal
      ? `Step Functions journal: kept ${journal.kept} executions, dropped ${journal.dropped} damaged line(s); the damaged file is ${journal.copy}`
      : 'Step Functions journal: no damage found',
  );
} finally {
  lock.release();
}

async function repairStore(path: string): Promise<void> {
  if (!existsSync(path) || readdirSync(path).length === 0) {
    console.log('DynamoDB store: none yet');
    return;
  }
  let damage: string | undefined;
  try {
    checkLevelStore(path);
  } catch (error) {
    if (!(error instanceof StoreDamaged)) throw error;
    damage = error.damage;
  }
  if (!damage) {
    console.log('DynamoDB store: no damage found');
    return;
  }
  console.log(`DynamoDB store: ${damage}; running LevelDB repair on ${path}`);
  await classicLevel().repair(path);
  forgetCleanStop(path);
  // Repair keeps records, not the order of dynalite's index writes: the next start re-checks the indexes.
  writeFileSync(join(path, RUNNING_MARKER_FILE), `repaired ${new Date().toISOString()}\n`);
  checkLevelStore(path);
  console.log('DynamoDB store: repaired; the next npm start re-checks every index before it serves');
}

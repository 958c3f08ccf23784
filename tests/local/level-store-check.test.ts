// The LevelDB log check on its own: logs written in LevelDB's record format (32 KiB blocks, fragments,
// masked CRC-32C) read to their end, and every cut inside a record is reported. The start-up tests
// (tests/e2e/startup-failures.test.ts) run it on the logs dynalite really writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, logFileProblem } from '../../infra/local/dynamo/level-store-check.ts';
import { servicePortsFrom } from '../../infra/local/startup-failure.ts';

const BLOCK = 32 * 1024;
const HEADER = 7;

/** LevelDB's log writer (doc/log_format.md), for records of the given sizes; also returns record ends. */
function writeLog(sizes: readonly number[]): { bytes: Uint8Array; ends: number[] } {
  const out: number[] = [];
  const ends: number[] = [];
  for (const [n, size] of sizes.entries()) {
    const data = Array.from({ length: size }, (_, i) => (n * 31 + i) & 0xff);
    let offset = 0;
    let first = true;
    do {
      const left = BLOCK - (out.length % BLOCK);
      if (left < HEADER) {
        out.push(...new Array<number>(left).fill(0));
        continue;
      }
      const fragment = Math.min(data.length - offset, left - HEADER);
      const last = offset + fragment === data.length;
      const type = first && last ? 1 : first ? 2 : last ? 4 : 3;
      const body = Uint8Array.from([type, ...data.slice(offset, offset + fragment)]);
      const crc = crc32c(body);
      const masked = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
      out.push(masked & 0xff, (masked >>> 8) & 0xff, (masked >>> 16) & 0xff, masked >>> 24);
      out.push(fragment & 0xff, fragment >>> 8, type, ...body.subarray(1));
      offset += fragment;
      first = false;
    } while (offset < data.length);
    ends.push(out.length);
  }
  return { bytes: Uint8Array.from(out), ends };
}

const sizes = fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 1, maxLength: 6 });

describe('the LevelDB log check', () => {
  it('computes CRC-32C (the check value of "123456789" is e3069283)', () => {
    expect(crc32c(new TextEncoder().encode('123456789')).toString(16)).toBe('e3069283');
  });

  it('reads any whole log to its end, records spanning blocks included', () => {
    fc.assert(
      fc.property(sizes, (recordSizes) => {
        expect(logFileProblem(writeLog(recordSizes).bytes)).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('reports every cut that is not at the end of a record', () => {
    fc.assert(
      fc.property(sizes, fc.double({ min: 0, max: 1, noNaN: true }), (recordSizes, at) => {
        // Prepare
        const { bytes, ends } = writeLog(recordSizes);
        const cut = Math.floor(at * bytes.length);
        // A block's last < 7 bytes are padding: a cut inside them is a cut at the record before them.
        const padding = (end: number) => (BLOCK - (end % BLOCK) < HEADER ? BLOCK - (end % BLOCK) : 0);
        const atRecordEnd = cut === 0 || ends.some((end) => cut >= end && cut <= end + padding(end));

        // Act
        const problem = logFileProblem(bytes.subarray(0, cut));

        // Assess
        if (atRecordEnd) expect(problem).toBeUndefined();
        else expect(problem).toMatch(/cut short|ends inside a record/);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a flipped byte as a checksum mismatch', () => {
    // Prepare
    const { bytes } = writeLog([100, 200]);
    bytes[50]! ^= 0x01;

    // Act / Assess
    expect(logFileProblem(bytes)).toBe('has a record whose checksum does not match at byte 0');
  });
});

describe('the local servers’ ports', () => {
  it('follow PORT (+1..9) unless set, so the endpoints stay the same from one start to the next', () => {
    expect(servicePortsFrom({ PORT: '4000' })).toEqual({
      api: 4000,
      services: {
        dynamodb: 4001,
        sfn: 4002,
        sns: 4003,
        secrets: 4004,
        kms: 4005,
        s3: 4006,
        cognito: 4007,
        eum: 4008,
        aliyun: 4009,
      },
    });
    expect(servicePortsFrom({ PORT: '4000', LOCAL_SNS_PORT: '9911' }).services.sns).toBe(9911);
    expect(servicePortsFrom({}).api).toBe(3000);
    expect(servicePortsFrom({}).services.aliyun).toBe(3009);
  });

  it.each([
    ['LOCAL_COGNITO_PORT', 'cognito'],
    ['LOCAL_EUM_PORT', 'eum'],
    ['LOCAL_ALIYUN_SMS_PORT', 'aliyun'],
  ] as const)('%s pins the %s server, 0 gives it any free port', (variable, service) => {
    expect(servicePortsFrom({ PORT: '4000', [variable]: '9912' }).services[service]).toBe(9912);
    expect(servicePortsFrom({ PORT: '4000', [variable]: '0' }).services[service]).toBe(0);
  });

  it('are all free ones when PORT is 0', () => {
    expect(servicePortsFrom({ PORT: '0' }).services).toEqual({
      dynamodb: 0,
      sfn: 0,
      sns: 0,
      secrets: 0,
      kms: 0,
      s3: 0,
      cognito: 0,
      eum: 0,
      aliyun: 0,
    });
  });

  it('name the variable that is not a port', () => {
    expect(() => servicePortsFrom({ LOCAL_SFN_PORT: '70000' })).toThrow(
      "LOCAL_SFN_PORT must be a port number (0-65535, 0 for any free port), not '70000'",
    );
    expect(() => servicePortsFrom({ LOCAL_ALIYUN_SMS_PORT: 'x' })).toThrow(
      "LOCAL_ALIYUN_SMS_PORT must be a port number (0-65535, 0 for any free port), not 'x'",
    );
  });
});

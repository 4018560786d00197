import { describe, expect, it } from 'vitest';
import { FieldJsonError, loadDialect, parseFieldJson, stringifyFields } from '../../src/iso8583/index.js';

describe('field JSON text', () => {
  it('parses like JSON.parse', () => {
    const text = '{"0":"0200","a":[1,-2.5e3,true,false,null,"x\\u0041\\n"],"o":{}}';
    expect(parseFieldJson(text)).toEqual(JSON.parse(text));
    expect(parseFieldJson(' "s" ')).toBe('s');
  });

  it('reports malformed input by position only', () => {
    const pan = '4000000000000002';
    for (const bad of [`{"2":"${pan}"`, `{"2":${pan}x}`, `{"2":"${pan}","2":"1"}`, `{"2":"${pan}"} x`, '', `{"2":"\u0001${pan}"}`]) {
      let err: unknown;
      try {
        parseFieldJson(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(FieldJsonError);
      expect((err as Error).message).toMatch(/^invalid JSON at character \d+/);
      expect((err as Error).message).not.toContain(pan);
    }
  });

  it('writes TLV objects in wire order and everything else like JSON.stringify', () => {
    const d = loadDialect('demo-card');
    const frame = d.pack(parseFieldJson('{"0":"0100","55":{"9F02":"01","82":"1980"},"127":{"2":"K"}}') as Record<string, unknown>);
    const fields = d.unpack(frame);
    const text = stringifyFields(fields);
    expect(JSON.parse(text)).toEqual(fields);
    expect(text).toBe('{\n  "0": "0100",\n  "55": {\n    "9F02": "01",\n    "82": "1980"\n  },\n  "127": {\n    "2": "K"\n  }\n}');
  });
});

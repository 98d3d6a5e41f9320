import { describe, expect, it } from 'vitest';
import { nextVppContext, VNET_API_ERRORS, VppApiError, vnetApiErrorName } from '../../../vpp-api/index.js';

describe('vnet_api_error names', () => {
  it.each([
    [-2, 'INVALID_SW_IF_INDEX'],
    [-6, 'NO_SUCH_ENTRY'],
    [-7, 'INVALID_VALUE'],
    [-8, 'INVALID_VALUE_2'],
    [-9, 'UNIMPLEMENTED'],
    [-70, 'INVALID_MEMORY_SIZE'],
    [-73, 'INVALID_ARGUMENT'],
    [-81, 'VALUE_EXIST'],
    [-97, 'INVALID_ADDRESS_FAMILY'],
    [-171, 'INVALID_PREFIX_LENGTH'],
  ])('%i is %s', (retval, name) => {
    expect(vnetApiErrorName(retval)).toBe(name);
    const e = new VppApiError('lb_conf', retval);
    expect(e).toMatchObject({ retval, name, request: 'lb_conf' });
    expect(e.message).toBe(`lb_conf: VPP error ${name} (${retval})`);
  });

  it('has unique names and codes, and names unknown ones', () => {
    expect(VNET_API_ERRORS.size).toBe(143);
    expect(new Set(VNET_API_ERRORS.values()).size).toBe(VNET_API_ERRORS.size);
    expect(vnetApiErrorName(-158)).toBe('UNKNOWN_-158');
    expect(vnetApiErrorName(3)).toBe('UNKNOWN_3');
  });
});

describe('context numbers', () => {
  it('count from 1, wrap past 0xffffffff and skip 0', () => {
    expect(nextVppContext(0)).toBe(1);
    expect(nextVppContext(1)).toBe(2);
    expect(nextVppContext(0xfffffffe)).toBe(0xffffffff);
    expect(nextVppContext(0xffffffff)).toBe(1);
  });
});

/// <reference path="./interfaces/nylon-plugin-guest.d.ts" />
/// <reference path="./interfaces/nylon-plugin-host.d.ts" />
/// <reference path="./interfaces/nylon-plugin-types.d.ts" />
declare module 'nylon:plugin/plugin@0.3.0' {
  export type * as NylonPluginHost030 from 'nylon:plugin/host@0.3.0'; // import nylon:plugin/host@0.3.0
  export type * as NylonPluginTypes030 from 'nylon:plugin/types@0.3.0'; // import nylon:plugin/types@0.3.0
  export * as guest from 'nylon:plugin/guest@0.3.0'; // export nylon:plugin/guest@0.3.0
}

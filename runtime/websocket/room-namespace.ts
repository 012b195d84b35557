// Every plugin has rooms of its own: a room name a plugin passes is qualified with its namespace
// before any adapter sees it, so two plugins' "general" are two rooms (in memory, in Redis keys and
// channels) and a plugin cannot reach another's rooms or connections by guessing a name. Plugins
// that set the same `room_namespace` share one namespace, on purpose.
//
// A qualified room is "<namespace>:<room>". A plugin's own namespace is its name percent-encoded, so it
// holds no ":" and the first ":" always ends it; a shared namespace starts with "@", which
// encodeURIComponent never leaves in a plugin name, so no plugin's own namespace can equal it.

/** The namespace of a plugin: its own, or the shared one its config names. */
export function roomNamespaceOf(pluginName: string, sharedNamespace: string | undefined): string {
  return sharedNamespace === undefined ? encodeURIComponent(pluginName) : `@${encodeURIComponent(sharedNamespace)}`;
}

export function qualifiedRoom(namespace: string, room: string): string {
  return `${namespace}:${room}`;
}

/** The room as its plugin named it, or undefined when the room is not in that namespace. */
export function roomInNamespace(namespace: string, qualified: string): string | undefined {
  return qualified.startsWith(`${namespace}:`) ? qualified.slice(namespace.length + 1) : undefined;
}

// Clients of the seed's examples as the demo serves them (nylon.yaml), each consuming the greeting
// every newcomer receives: shared by the per-example e2e files and the worker-isolation run of them.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { WsTestClient } from "./ws-test-client.js";

/** The auth-ws plugin's valid token (its config in nylon.yaml). */
const VALID_TOKEN = "secret-token";

/** A chat user, after its own join notice and the welcome. */
export async function joinChat(wsUrl: string): Promise<WsTestClient> {
  const client = await WsTestClient.connect(`${wsUrl}/chat`);
  assert.equal(await client.nextText(), "A user joined the chat");
  assert.equal(await client.nextText(), "Welcome to the chat!");
  return client;
}

/** A multi-chat user, in the general room. */
export async function joinMultiChat(wsUrl: string): Promise<WsTestClient> {
  const client = await WsTestClient.connect(`${wsUrl}/multi-chat`);
  assert.equal(await client.nextText(), "Joined general");
  return client;
}

/** Moves a multi-chat user to `room`. */
export async function joinRoom(client: WsTestClient, room: string): Promise<void> {
  client.send(`/join ${room}`);
  assert.equal(await client.nextText(), `Joined ${room}`);
}

/** An auth-ws connection with the valid token, after "Authenticated". */
export async function connectAuthenticated(wsUrl: string): Promise<WsTestClient> {
  const client = await WsTestClient.connect(`${wsUrl}/auth-ws?token=${VALID_TOKEN}`);
  assert.equal(await client.nextText(), "Authenticated");
  return client;
}

/** A rate-limited-ws connection, after "Connected". */
export async function connectRateLimited(wsUrl: string): Promise<WsTestClient> {
  const client = await WsTestClient.connect(`${wsUrl}/rate-limited-ws`);
  assert.equal(await client.nextText(), "Connected");
  return client;
}

/** The client sees its close before the proxy has necessarily run the plugin's onClose: retry briefly. */
export async function connectOnceSlotFrees(wsUrl: string, timeoutMs = 3_000): Promise<WsTestClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connectRateLimited(wsUrl);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

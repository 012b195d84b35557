// The chat page in real headless Chromium: two tabs load web/chat.html from nylon's static service,
// connect to the chat plugin over WebSocket, and a message sent from one tab shows up in both.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { demoGuests } from "../support/demo-config.js";
import { useDemoProxy } from "../support/demo-proxy.js";
import type { NylonProcess } from "../support/nylon-process.js";

const CHROMIUM = "/usr/bin/chromium";
let browser: Browser | undefined;

before(async () => {
  // Not a skip: CI installs Chromium, so its absence is a broken machine, not an optional test.
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** Opens the chat page in a fresh tab and waits until its WebSocket has been welcomed. */
async function openChatPage(nylon: () => NylonProcess): Promise<Page> {
  const page = await browser!.newPage();
  await page.goto(`${nylon().url}/chat.html`);
  await page.locator("#messages div", { hasText: "Welcome to the chat!" }).waitFor();
  return page;
}

async function messagesOf(page: Page): Promise<string[]> {
  return page.locator("#messages div").allTextContents();
}

for (const guest of demoGuests("chat"))
describe(`the chat page in Chromium (${guest})`, () => {
  const nylon = useDemoProxy({ guest });
  test("a message typed in one chat tab appears in both tabs", async () => {
    const alice = await openChatPage(nylon);
    const bob = await openChatPage(nylon);

    await alice.fill("#input", "hello from the browser");
    await alice.click("#send");

    for (const page of [alice, bob]) {
      await page.locator("#messages div", { hasText: "hello from the browser" }).waitFor();
    }
    assert.equal(await alice.inputValue("#input"), "", "the input is cleared after sending");
    assert.deepEqual(await messagesOf(bob), ["A user joined the chat", "Welcome to the chat!", "hello from the browser"]);
    assert.deepEqual(await messagesOf(alice), [
      "A user joined the chat",
      "Welcome to the chat!",
      "A user joined the chat",
      "hello from the browser",
    ]);
    await Promise.all([alice.close(), bob.close()]);
  });

  test("chat text is shown as text, never run as HTML", async () => {
    const page = await openChatPage(nylon);
    await page.fill("#input", "<b>not bold</b>");
    await page.click("#send");
    await page.locator("#messages div", { hasText: "<b>not bold</b>" }).waitFor();
    assert.equal(await page.locator("#messages b").count(), 0);
    await page.close();
  });
});

// The web build in a real headless Chromium, as a learner meets it: the first frame
// appears with no console error, clicking a lesson in the list changes the page, and after
// a reload the progress (and the page) are still there. Every server and browser this
// test starts, it stops.
//
// Usage: node browser_test.mjs [DIST_DIR]   (default: ../dist, built by web/build.sh)

import { createServer } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, extname, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, "..", "dist"));
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const STEP_MS = 90_000;

function serve() {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, "http://127.0.0.1").pathname;
    const file = join(dist, path === "/" ? "index.html" : path);
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log(`ok - ${message}`);
}

async function waitForTitle(page, title) {
  await page.waitForFunction((t) => document.title === t, title, { timeout: STEP_MS });
}

const server = await serve();
const url = `http://127.0.0.1:${server.address().port}/`;
const profile = await mkdtemp(join(tmpdir(), "backprop-lab-chromium-"));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: [
      "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic",
      "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

  // Cold load: a new profile, so nothing is cached; the title is set by the first frame.
  const started = performance.now();
  await page.goto(url);
  await waitForTitle(page, "Backprop Lab: The Blame Game");
  const coldMs = performance.now() - started;
  const wasmBytes = (await readFile(join(dist, "backprop_lab_bg.wasm"))).length;
  console.log(`# cold load to the first frame: ${coldMs.toFixed(0)} ms (wasm ${wasmBytes} bytes)`);
  await page.waitForSelector("#loading", { state: "detached", timeout: STEP_MS });
  check(!(await page.isVisible("#error")), "the app started: first lesson on screen, no error box");
  await page.waitForTimeout(1000);
  const before = await page.screenshot();
  if (process.env.SCREENSHOT_DIR) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(process.env.SCREENSHOT_DIR, "web-first.png"), before);
  }

  // The second entry of the lesson list, where a learner clicks it.
  await page.mouse.click(80, 102);
  await waitForTitle(page, "Backprop Lab: The Chain Rule");
  await page.waitForTimeout(1000);
  const after = await page.screenshot();
  if (process.env.SCREENSHOT_DIR) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(process.env.SCREENSHOT_DIR, "web-second.png"), after);
  }
  check(!before.equals(after), "clicking a lesson in the list changed the page");

  await page.reload();
  await waitForTitle(page, "Backprop Lab: The Chain Rule");
  const stored = await page.evaluate(() => localStorage.getItem("backprop_lab_progress") ?? "");
  check(/"02-chain-rule\.ron":\s*\(\s*opened:\s*true/.test(stored), "after a reload, the progress is still there");

  // A damaged progress entry is set aside under its own key and the app starts clean.
  const damaged = "(version: 1, lessons: {";
  await page.evaluate((d) => localStorage.setItem("backprop_lab_progress", d), damaged);
  await page.reload();
  await waitForTitle(page, "Backprop Lab: The Chain Rule");
  const aside = await page.evaluate(() => Object.keys(localStorage)
    .filter((k) => k.startsWith("backprop_lab_progress.corrupt-"))
    .map((k) => localStorage.getItem(k)));
  check(aside.length === 1 && aside[0] === damaged, "a damaged progress entry is kept aside, not overwritten");

  // The saliency lesson runs its trained models in the browser: the eleventh entry (below
  // the damaged-progress banner, which pushes the list down 50 px; the eighth entry's
  // title takes two lines).
  if (process.env.SCREENSHOT_DIR) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(process.env.SCREENSHOT_DIR, "web-banner.png"), await page.screenshot());
  }
  await page.mouse.click(80, 421);
  await waitForTitle(page, "Backprop Lab: Saliency Maps");
  await page.waitForTimeout(1500);
  if (process.env.SCREENSHOT_DIR) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(process.env.SCREENSHOT_DIR, "web-saliency.png"), await page.screenshot());
  }
  check(!(await page.isVisible("#error")), "the saliency lesson runs its classifier in the browser");
  check(problems.length === 0, `no console errors or panics${problems.length ? ":\n" + problems.join("\n") : ""}`);

  // Links: a lesson with a class's seed opens that lesson; a hostile fragment opens the
  // first lesson (with a notice drawn on the canvas) and never a blank page.
  for (const [fragment, title] of [
    ["#lesson=04-neuron&seed=42", "Backprop Lab: A Single Neuron"],
    ["#playground=eCA9IDE&at=x=1.5", "Backprop Lab: Playground"],
    ["#lesson=../../etc/passwd", "Backprop Lab: The Blame Game"],
    ["#evil=%%%", "Backprop Lab: The Blame Game"],
    ["#playground=" + "A".repeat(100000), "Backprop Lab: The Blame Game"],
  ]) {
    const linked = await context.newPage();
    await linked.goto(url + fragment);
    await waitForTitle(linked, title);
    check(!(await linked.isVisible("#error")), `the link ${fragment.slice(0, 40)} opens "${title}"`);
    await linked.close();
  }

  // The address follows the learner, and Back returns to the lesson before.
  const moving = await context.newPage();
  await moving.goto(url + "#lesson=02-chain-rule");
  await waitForTitle(moving, "Backprop Lab: The Chain Rule");
  await moving.mouse.click(700, 60);
  await moving.keyboard.press("PageDown");
  await waitForTitle(moving, "Backprop Lab: Gates: How Blame Flows");
  check(moving.url().endsWith("#lesson=03-gates"), `the address follows the page (${moving.url()})`);
  await moving.goBack();
  await waitForTitle(moving, "Backprop Lab: The Chain Rule");
  check(true, "Back returns to the lesson before");
  await moving.close();

  // A teacher's link: one lesson, no list; PageDown stays on it.
  const locked = await context.newPage();
  await locked.goto(url + "#only=03-gates&hide=lessons,playground,progress");
  await waitForTitle(locked, "Backprop Lab: Gates: How Blame Flows");
  await locked.mouse.click(700, 60);
  await locked.keyboard.press("PageDown");
  await locked.waitForTimeout(500);
  check(await locked.title() === "Backprop Lab: Gates: How Blame Flows", "only= keeps the class on one lesson");
  await locked.close();

  // A panic is shown on the page, in words.
  const crashing = await context.newPage();
  await crashing.goto(url + "#test-panic");
  await crashing.waitForSelector("#error", { state: "visible", timeout: STEP_MS });
  const crash = await crashing.textContent("#error");
  check(crash.includes("internal error") && crash.includes("#test-panic"), "a panic shows a readable message on the page");
  await crashing.close();
  await context.close();

  // Without WebGL, a clear message instead of a blank canvas.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-3d-apis"],
  });
  const plain = context.pages()[0] ?? (await context.newPage());
  await plain.goto(url);
  await plain.waitForSelector("#error", { state: "visible", timeout: STEP_MS });
  check((await plain.textContent("#error")).includes("needs WebGL"), "without WebGL the page says so");
} catch (error) {
  failed = true;
  console.error(`not ok - ${error.message}`);
} finally {
  if (context) await context.close();
  await new Promise((ok) => server.close(ok));
  await rm(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

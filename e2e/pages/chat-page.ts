import { expect, type Locator, type Page } from "@playwright/test";
import { E2E } from "../../playwright.config";
import { uniqueClientIp } from "../auth";

// The chat screen as automation sees it: only data-testid and role selectors.
export class ChatPage {
  readonly input: Locator;
  readonly send: Locator;
  readonly stop: Locator;
  readonly messages: Locator;
  readonly demoBanner: Locator;
  readonly errorNotice: Locator;
  readonly scroller: Locator;
  readonly jumpToLatest: Locator;
  readonly modelPicker: Locator;
  readonly modelPopover: Locator;
  readonly settingsButton: Locator;
  readonly settingsDialog: Locator;
  readonly shortcutsButton: Locator;
  readonly shortcutsDialog: Locator;
  readonly newChat: Locator;
  readonly themeToggle: Locator;
  readonly thinkingToggle: Locator;
  readonly contextMeter: Locator;
  readonly contextWarning: Locator;
  readonly contextLimit: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId("chat-input");
    this.send = page.getByTestId("send-button");
    this.stop = page.getByTestId("stop-button");
    this.messages = page.getByTestId("message");
    this.demoBanner = page.getByTestId("demo-banner");
    this.errorNotice = page.getByTestId("error-notice");
    this.scroller = page.getByTestId("chat-scroller");
    this.jumpToLatest = page.getByTestId("jump-to-latest");
    this.modelPicker = page.getByTestId("model-picker");
    this.modelPopover = page.getByTestId("model-popover");
    this.settingsButton = page.getByTestId("settings-button");
    this.settingsDialog = page.getByTestId("settings-dialog");
    this.shortcutsButton = page.getByTestId("shortcuts-button");
    this.shortcutsDialog = page.getByTestId("shortcuts-dialog");
    this.newChat = page.getByTestId("new-chat");
    this.themeToggle = page.getByTestId("theme-toggle");
    this.thinkingToggle = page.getByTestId("thinking-toggle");
    this.contextMeter = page.getByTestId("context-meter");
    this.contextWarning = page.getByTestId("context-warning");
    this.contextLimit = page.getByTestId("context-limit");
  }

  async goto(url = "/"): Promise<void> {
    // Another app instance (demo mode) has its own accounts: sign in there as its seeded admin first.
    if (/^https?:/.test(url)) {
      const origin = new URL(url).origin;
      const res = await this.page.request.post(`${origin}/api/auth/sign-in/email`, {
        data: { email: E2E.adminEmail, password: E2E.adminPassword },
        headers: { origin, "x-forwarded-for": uniqueClientIp() },
      });
      expect(res.status()).toBe(200);
    }
    await this.page.goto(url);
    await expect(this.input).toBeEditable();
    // The model catalog has loaded once the picker is enabled.
    await expect(this.modelPicker).toBeEnabled();
  }

  assistant(nth = -1): Locator {
    const all = this.page.locator('[data-testid="message"][data-role="assistant"]');
    return nth < 0 ? all.last() : all.nth(nth);
  }

  user(nth = -1): Locator {
    const all = this.page.locator('[data-testid="message"][data-role="user"]');
    return nth < 0 ? all.last() : all.nth(nth);
  }

  reasoning(message: Locator = this.assistant()): Locator {
    return message.getByTestId("reasoning");
  }

  /** Types the prompt and presses Enter, as a person would. */
  async ask(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press("Enter");
  }

  /** Asks and waits for the reply to finish. */
  async askAndWait(text: string): Promise<void> {
    const count = await this.page.locator('[data-testid="message"][data-role="assistant"]').count();
    await this.ask(text);
    await expect(this.page.locator('[data-testid="message"][data-role="assistant"]')).toHaveCount(count + 1);
    await expect(this.assistant()).not.toHaveAttribute("data-status", "streaming");
  }

  async pickModel(id: string): Promise<void> {
    await this.modelPicker.click();
    await expect(this.modelPopover).toBeVisible();
    await this.modelPopover.locator(`[data-testid="model-option"][data-model="${id}"]`).click();
    await expect(this.modelPopover).toBeHidden();
    await expect(this.modelPicker).toHaveText(id);
  }

  async openSettings(): Promise<void> {
    await this.settingsButton.click();
    await expect(this.settingsDialog).toBeVisible();
  }

  async closeSettings(): Promise<void> {
    await this.settingsDialog.getByTestId("settings-done").click();
    await expect(this.settingsDialog).toBeHidden();
  }

  /** Cycles the header toggle until the theme is the one asked for. */
  async setTheme(theme: "system" | "light" | "dark"): Promise<void> {
    for (let i = 0; i < 3 && (await this.themeToggle.getAttribute("data-theme")) !== theme; i++) {
      await this.themeToggle.click();
    }
    await expect(this.themeToggle).toHaveAttribute("data-theme", theme);
  }

  /** Visible text plus the names and hints that are not text (aria-label, title, placeholder). */
  async visibleStrings(): Promise<string> {
    return this.page.evaluate(() => {
      const attributes = [...document.querySelectorAll("[aria-label], [title], [placeholder], [aria-valuetext]")]
        .filter((element) => (element as HTMLElement).checkVisibility?.() ?? true)
        .flatMap((element) =>
          ["aria-label", "title", "placeholder", "aria-valuetext"].map((name) => element.getAttribute(name) ?? ""),
        );
      return [document.body.innerText, document.title, ...attributes].join("\n");
    });
  }
}

import { expect, type Locator, type Page } from "@playwright/test";

// The chat screen as automation sees it: only data-testid and role selectors.
export class ChatPage {
  readonly input: Locator;
  readonly send: Locator;
  readonly stop: Locator;
  readonly messages: Locator;
  readonly demoBanner: Locator;
  readonly errorNotice: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId("chat-input");
    this.send = page.getByTestId("send-button");
    this.stop = page.getByTestId("stop-button");
    this.messages = page.getByTestId("message");
    this.demoBanner = page.getByTestId("demo-banner");
    this.errorNotice = page.getByTestId("error-notice");
  }

  async goto(url = "/"): Promise<void> {
    await this.page.goto(url);
    await expect(this.input).toBeEditable();
  }

  assistant(nth = -1): Locator {
    const all = this.page.locator('[data-testid="message"][data-role="assistant"]');
    return nth < 0 ? all.last() : all.nth(nth);
  }

  user(nth = -1): Locator {
    const all = this.page.locator('[data-testid="message"][data-role="user"]');
    return nth < 0 ? all.last() : all.nth(nth);
  }

  /** Types the prompt and presses Enter, as a person would. */
  async ask(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press("Enter");
  }
}

import { expect, type Locator, type Page } from "@playwright/test";

// The announcement studio (公告助手) as automation sees it: data-testid and role selectors only.
export class AnnouncementsPage {
  readonly generate: Locator;
  readonly preview: Locator;
  readonly title: Locator;
  readonly signoff: Locator;
  readonly status: Locator;
  readonly reviseInput: Locator;
  readonly reviseSubmit: Locator;
  readonly copyRich: Locator;
  readonly copyMarkdown: Locator;
  readonly copyPlain: Locator;
  readonly docx: Locator;
  readonly history: Locator;

  constructor(readonly page: Page) {
    this.generate = page.getByTestId("announcement-generate");
    this.preview = page.getByTestId("announcement-preview");
    this.title = page.getByTestId("preview-title");
    this.signoff = page.getByTestId("preview-signoff");
    this.status = page.getByTestId("studio-status");
    this.reviseInput = page.getByTestId("revise-input");
    this.reviseSubmit = page.getByTestId("revise-submit");
    this.copyRich = page.getByTestId("copy-rich");
    this.copyMarkdown = page.getByTestId("copy-markdown");
    this.copyPlain = page.getByTestId("copy-plain");
    this.docx = page.getByTestId("export-docx");
    this.history = page.getByTestId("announcement-history");
  }

  async goto(url = "/announcements"): Promise<void> {
    await this.page.goto(url);
    await expect(this.generate).toBeEnabled();
  }

  kind(kind: string): Locator {
    return this.page.getByTestId(`kind-${kind}`);
  }

  field(id: string): Locator {
    return this.page.getByTestId(`field-${id}`);
  }

  error(id: string): Locator {
    return this.page.getByTestId(`error-${id}`);
  }

  version(seq: number): Locator {
    return this.page.getByTestId(`version-${seq}`);
  }

  /** Fills fields by id; the department is a common field like any other. */
  async fill(fields: Record<string, string>): Promise<void> {
    for (const [id, value] of Object.entries(fields)) await this.field(id).fill(value);
  }

  /** Waits until a generation has finished and its exports are offered. */
  async waitForDone(): Promise<void> {
    await expect(this.preview).toHaveAttribute("data-streaming", "false");
    await expect(this.copyRich).toBeVisible();
  }
}

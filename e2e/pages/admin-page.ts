import { expect, type Locator, type Page } from "@playwright/test";

// The admin screen: the gateway card, the account table and its forms, the usage table.
export class AdminPage {
  readonly credits: Locator;
  readonly rate: Locator;
  readonly usageRows: Locator;
  readonly toast: Locator;

  constructor(readonly page: Page) {
    this.credits = page.getByTestId("gateway-credits");
    this.rate = page.getByTestId("gateway-rate");
    this.usageRows = page.getByTestId("admin-usage-row");
    this.toast = page.getByTestId("toast");
  }

  async goto(): Promise<void> {
    await this.page.goto("/admin");
    await expect(this.page.getByTestId("admin-users")).toBeVisible();
  }

  row(email: string): Locator {
    return this.page.locator(`[data-testid="admin-user-row"][data-email="${email}"]`);
  }

  async createUser(email: string, password: string, name = "新同事"): Promise<void> {
    await this.page.getByTestId("new-user-email").fill(email);
    await this.page.getByTestId("new-user-name").fill(name);
    await this.page.getByTestId("new-user-password").fill(password);
    await this.page.getByTestId("create-user").click();
    await expect(this.row(email)).toBeVisible();
  }

  async setTokenLimit(email: string, tokens: string): Promise<void> {
    const row = this.row(email);
    await row.getByTestId("limit-tokens").fill(tokens);
    await row.getByTestId("save-limits").click();
    await expect(this.toast).toContainText("已保存");
  }

  async resetPassword(email: string, password: string): Promise<void> {
    const row = this.row(email);
    await row.getByTestId("reset-password").click();
    await row.getByTestId("new-password").fill(password);
    await row.getByTestId("save-password").click();
    await expect(this.toast).toContainText("已为");
  }
}

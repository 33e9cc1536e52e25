import { z } from "zod";

export const renameSchema = z.object({ title: z.string().trim().min(1).max(200) });
export type RenameRequest = z.infer<typeof renameSchema>;

export const listQuerySchema = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

// NUL is dropped: SQLite's FTS5 query parser reads it as the end of the string and fails (a 500,
// found by the route fuzzer); no one types it, and stored text is matched without it.
export const searchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .default("")
    .transform((q) => q.replaceAll("\u0000", "")),
});

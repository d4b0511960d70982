/** Rows of a `[*, dim]` table (an embedding or its gradient) packed side by side, and back. */

/**
 * Rows `rows` of a `[*, dim]` table, packed.
 *
 * @param table - The table, row-major.
 * @param rows - Row indices.
 * @param dim - Floats a row.
 * @returns `[rows.length, dim]`.
 */
export function getRows(table: Float32Array, rows: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) out.set(table.subarray(rows[r]! * dim, rows[r]! * dim + dim), r * dim);
  return out;
}

/**
 * Writes packed rows into a `[*, dim]` table.
 *
 * @param table - The table, row-major.
 * @param rows - Row indices.
 * @param packed - `[rows.length, dim]`.
 * @param dim - Floats a row.
 */
export function setRows(table: Float32Array, rows: Int32Array, packed: Float32Array, dim: number): void {
  for (let r = 0; r < rows.length; r++) table.set(packed.subarray(r * dim, r * dim + dim), rows[r]! * dim);
}

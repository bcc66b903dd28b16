import postgres from 'postgres';

export type Sql = postgres.Sql;

/** Opens a connection pool; bigint columns come back as JavaScript numbers (safe up to 2^53 minor units). */
export function connect(databaseUrl: string, options: { max?: number } = {}): Sql {
  return postgres(databaseUrl, {
    max: options.max ?? 10,
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number) => value.toString(),
        parse: (value: string) => Number(value),
      },
    },
  });
}

import PDFDocument from 'pdfkit';

/** Builds a real PDF with `xml` attached under `name`, compressed with FlateDecode as pdfkit does. */
export async function pdfWithAttachment(xml: Buffer, name: string): Promise<Buffer> {
  const document = new PDFDocument({ compress: true });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve) => document.on('end', () => resolve()));

  document.text('Facture FA-2017-0010');
  document.file(xml, { name, type: 'text/xml' });
  document.end();
  await finished;
  return Buffer.concat(chunks);
}

// A GraphQL Code Generator plugin: every operation of one documents file as a plain string constant
// (TRACK_VIEW for TrackView), exactly as printed from the file, plus a map by operation name. The
// storefront page sends these strings; bundling graphql's parser and printer into the page to get them
// from the typed documents would cost more than the strings. Config: `file`, the documents file.
const { Kind, print } = require('graphql');

const constantName = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

module.exports = {
  plugin(_schema, documents, config) {
    if (!config.file) throw new Error('operationStrings: set `file` (the documents file whose operations to emit)');
    const files = documents.filter((d) => d.location && d.location.replace(/\\/g, '/').endsWith(config.file));
    if (files.length === 0) throw new Error(`operationStrings: no documents file ends with ${config.file}`);
    const operations = files.flatMap((d) => d.document.definitions.filter((def) => def.kind === Kind.OPERATION_DEFINITION));
    const out = [];
    for (const op of operations) {
      if (!op.name) throw new Error(`operationStrings: every operation in ${config.file} needs a name`);
      out.push(`export const ${constantName(op.name.value)} = \`${print(op)}\n\`;\n`);
    }
    const map = operations.map((op) => `  ${op.name.value}: ${constantName(op.name.value)},`).join('\n');
    out.push(`export const ${config.mapName || 'OPERATIONS'} = {\n${map}\n} as const;\n`);
    return out.join('\n');
  },
};

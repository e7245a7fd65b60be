// n8n loads this package's nodes and credentials from the `n8n` attribute of package.json;
// this file is only the conventional entry point of a community node package.
module.exports = {};

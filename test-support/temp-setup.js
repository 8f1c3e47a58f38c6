'use strict';
// jest globalSetup: see ./temp-check.js.
module.exports = require('./temp-check').setup;

'use strict';
// jest globalTeardown: see ./temp-check.js.
module.exports = require('./temp-check').teardown;

#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm run build` (run by `npm install` through `prepare`).
require('../dist/cli/main.js');

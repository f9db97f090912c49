// whatsapp-web.js drives Debian's Chromium (/usr/bin/chromium): puppeteer must never download its own browser.
module.exports = { skipDownload: true };

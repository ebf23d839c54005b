// Reads nothing from the host, so the build loads it while it builds the component: and it never finishes.
for (;;) {}
module.exports = { leaked: () => 'unreachable' };

// Labels of the console's ticketview part, in Russian and Kazakh (the Kazakh ones are typed against the Russian ones).
const ru = {};

const kk: Record<keyof typeof ru, string> = {};

export default { ru, kk };

export const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);
export const shout = (text) => text.toUpperCase() + '!';

// Container names: Docker's validation rule and its adjective_surname generator (with our own word lists).
import { invalid } from '../../lib/errors.js';

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Returns the name with a leading slash, or throws Docker's 400. */
export function validateName(name: string): string {
  if (!NAME_RE.test(name)) throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.startsWith('/') ? name : '/' + name;
}

const left = ['admiring', 'brave', 'busy', 'calm', 'clever', 'cool', 'dazzling', 'eager', 'elastic', 'epic', 'festive',
  'focused', 'gallant', 'gifted', 'happy', 'hopeful', 'jolly', 'keen', 'kind', 'laughing', 'lucid', 'modest', 'nifty',
  'optimistic', 'peaceful', 'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'tender', 'upbeat', 'vibrant', 'wizardly', 'zealous'];
const right = ['albattani', 'babbage', 'bohr', 'curie', 'darwin', 'einstein', 'euler', 'fermat', 'feynman', 'galileo',
  'gauss', 'hopper', 'hypatia', 'kepler', 'lamarr', 'lovelace', 'meitner', 'newton', 'noether', 'pascal', 'planck',
  'ritchie', 'shannon', 'tesla', 'thompson', 'turing', 'wozniak', 'yalow'];

export function generateName(taken: (name: string) => boolean): string {
  for (let i = 0; ; i++) {
    let n = `${left[Math.floor(Math.random() * left.length)]}_${right[Math.floor(Math.random() * right.length)]}`;
    if (i > 5) n += String(Math.floor(Math.random() * 10));
    if (!taken('/' + n)) return '/' + n;
  }
}

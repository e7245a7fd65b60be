/** The node's action values; the three every provider has come from the engine. */
export { CREATE_JOB, GET_JOB, WAIT_FOR_JOB } from '../../shared/descriptions';
export const CREATE_JOB_FROM_TEMPLATE = 'createJobFromTemplate';
export const CANCEL_JOB = 'cancelJob';
export const CHECK_PARAMS = 'checkParams';
export const GET_TEMPLATE = 'getTemplate';
export const UPLOAD_IMAGE = 'uploadImage';

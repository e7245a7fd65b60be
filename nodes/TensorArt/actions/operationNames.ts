/** The node's action values; those the engine knows come from it. */
export { CANCEL_JOB, CREATE_JOB, GET_JOB, WAIT_FOR_JOB } from '../../shared/descriptions';
export const CREATE_JOB_FROM_TEMPLATE = 'createJobFromTemplate';
export const CHECK_PARAMS = 'checkParams';
export const GET_TEMPLATE = 'getTemplate';
export const UPLOAD_IMAGE = 'uploadImage';
